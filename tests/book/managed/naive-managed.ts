// The reference for the managed book: every trade of the symbol checked on every tick, with the
// rules of SPEC §9 written out directly (the "per-symbol scan" the property test and bench compare to).
import { legMoney, managedStopAfter, splitQuantity, sumMoney } from '../../../shared/leg-math.ts';
import type { LegFill, LegKind, ManagedProgress, ManagedTerms } from '../../../server/book/managed-types.ts';
import type { ManagedUpdate } from '../../../server/book/managed-book.ts';

interface NaiveTrade {
  terms: ManagedTerms;
  symbol: string;
  sign: 1 | -1;
  legQty: number[];
  filled: number;
  active: boolean;
  bestX: number;
  closed: boolean;
}

export class NaiveManagedBook {
  private readonly trades = new Map<number, NaiveTrade>();
  private readonly lastTs = new Map<string, number>();
  private readonly lastX = new Map<string, number>();

  constructor(private readonly feeRate: number) {}

  add(symbol: string, terms: ManagedTerms, progress?: ManagedProgress): boolean {
    if (this.trades.get(terms.id)?.closed === false) return false;
    const sign = terms.direction === 'LONG' ? 1 : -1;
    const t: NaiveTrade = {
      terms,
      symbol,
      sign,
      legQty: splitQuantity(terms.quantity, terms.shares),
      filled: progress?.filled ?? 0,
      active: false,
      bestX: NaN,
      closed: false,
    };
    this.startTrailing(t, progress?.trailingBest ?? null, terms.entryPrice);
    this.trades.set(terms.id, t);
    if (!this.lastTs.has(symbol)) this.lastTs.set(symbol, -Infinity);
    return true;
  }

  tick(symbol: string, price: number, ts: number, out: LegFill[]): boolean {
    // Like the book, a symbol's clock starts with its first trade.
    if (!this.lastTs.has(symbol)) return true;
    if (ts < (this.lastTs.get(symbol) as number)) return false;
    this.lastTs.set(symbol, ts);
    for (const sign of [1, -1] as const) this.lastX.set(`${symbol}:${sign}`, sign * price);
    for (const t of this.trades.values()) {
      if (t.closed || t.symbol !== symbol) continue;
      const x = t.sign * price;
      const { targets } = t.terms;
      const before = t.filled;
      while (t.filled < targets.length && t.sign * (targets[t.filled] as number) <= x) {
        const k = t.filled++;
        const final = t.filled === targets.length;
        out.push(this.leg(t, `TP${k + 1}` as LegKind, targets[k] as number, t.legQty[k] as number, ts, final));
        if (final) t.closed = true;
      }
      if (t.closed) continue;
      const trailing = t.terms.trailing;
      if (trailing && !t.active && trailing.activationPrice !== undefined && x >= t.sign * trailing.activationPrice) {
        t.active = true;
        t.bestX = x;
      }
      if (t.active) t.bestX = Math.max(t.bestX, x);
      const trailX = t.active ? t.bestX * this.factor(t) : -Infinity;
      const stopX = t.sign * t.terms.stopLoss;
      if (x <= Math.max(stopX, trailX)) {
        const kind: LegKind = trailX > stopX ? 'TRAILING' : 'SL';
        out.push(this.leg(t, kind, price, sumMoney(t.legQty.slice(t.filled)), ts, true));
        t.closed = true;
        continue;
      }
      if (t.filled !== before) {
        const { slMode, direction, entryPrice, stopLoss } = t.terms;
        t.terms = { ...t.terms, stopLoss: managedStopAfter(slMode, direction, entryPrice, targets, t.filled, stopLoss) };
      }
    }
    return true;
  }

  close(id: number, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number): LegFill | null {
    const t = this.trades.get(id);
    if (t === undefined || t.closed) return null;
    t.closed = true;
    return this.leg(t, kind, price, sumMoney(t.legQty.slice(t.filled)), ts, true);
  }

  update(id: number, change: ManagedUpdate): boolean {
    const t = this.trades.get(id);
    if (t === undefined || t.closed) return false;
    const terms = { ...t.terms };
    if (change.slMode !== undefined) terms.slMode = change.slMode;
    if (change.stopLoss !== undefined) terms.stopLoss = change.stopLoss;
    if (change.targets !== undefined) {
      const remaining = sumMoney(t.legQty.slice(t.filled));
      const targets = change.targets;
      const shares = change.shares ?? targets.map(() => 1 / targets.length);
      terms.targets = [...terms.targets.slice(0, t.filled), ...targets];
      t.legQty = [...t.legQty.slice(0, t.filled), ...splitQuantity(remaining, shares)];
    }
    t.terms = terms;
    if (change.trailing !== undefined) {
      t.terms = { ...terms, trailing: change.trailing };
      t.active = false;
      t.bestX = NaN;
      const lastX = this.lastX.get(`${t.symbol}:${t.sign}`);
      if (change.trailing !== null) this.startTrailing(t, null, lastX === undefined ? terms.entryPrice : t.sign * lastX);
    }
    return true;
  }

  has(id: number): boolean {
    return this.trades.get(id)?.closed === false;
  }

  private startTrailing(t: NaiveTrade, best: number | null, start: number): void {
    const trailing = t.terms.trailing;
    if (!trailing) return;
    if (best === null && trailing.activationPrice !== undefined) return;
    t.active = true;
    t.bestX = t.sign * (best ?? start);
  }

  private factor(t: NaiveTrade): number {
    const rate = t.terms.trailing?.callbackRate ?? 0;
    return t.sign > 0 ? 1 - rate : 1 + rate;
  }

  private leg(t: NaiveTrade, kind: LegKind, price: number, quantity: number, time: number, final: boolean): LegFill {
    const m = legMoney(t.terms, quantity, price, this.feeRate);
    return { id: t.terms.id, kind, price, quantity, time, fees: m.fees, profitLoss: m.profitLoss, final };
  }
}
