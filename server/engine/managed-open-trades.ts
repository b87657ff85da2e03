// The engine's managed open trades (SPEC §9: several targets, a moving or trailing stop): the
// ManagedBook decides their fills per tick, this keeps what the wire form and the summary need
// beside it: each trade's plan with its committed legs, its book terms, and per price key the
// unrealised P/L of the system trades' remainders (the same running sums the OpenBook keeps).
import { profitLossAt, type ProfitLoss } from '../../shared/trade-math.ts';
import { sumMoney } from '../../shared/leg-math.ts';
import type { LegRecord, TradePlan, TradeRecord } from '../../shared/trade-json.ts';
import { ManagedBook } from '../book/managed-book.ts';
import type { LegFill, ManagedState, ManagedTerms } from '../book/managed-types.ts';
import { PnlAggregate } from '../book/pnl-aggregate.ts';
import type { BookTrade } from '../book/types.ts';

interface Entry {
  /** Price key the trade is booked under (SPOT symbol or `SYMBOL.P`). */
  key: string;
  /** Terms as BookTrade (what the side table rebuilds the record with); `stopLoss` the initial one. */
  terms: BookTrade;
  plan: TradePlan;
  /** Quantity not yet filled by committed legs, for the unrealised sums (system trades only). */
  open: number;
  /** Last state the book gave (kept once the book let the trade go, until its close is committed). */
  last: ManagedState | undefined;
  /** Trailing best as last handed to the database (checkpoint or leg). */
  savedBest: number | null;
}

/** One trade's fills of one tick, with the state after them. */
export interface TradeFills {
  id: number;
  fills: LegFill[];
  /** The managed stop and trailing best after these fills (the trade's last state when they closed it). */
  stopLoss: number;
  trailingBest: number | null;
  final: boolean;
}

export class ManagedOpenTrades {
  private readonly book: ManagedBook;
  private readonly entries = new Map<number, Entry>();
  private readonly pnl = new Map<string, PnlAggregate>();
  private readonly out: LegFill[] = [];

  constructor(private readonly feeRate: number) {
    this.book = new ManagedBook(feeRate);
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  /** Whether the book still holds it (false once its last leg filled, while that leg is written). */
  isLive(id: number): boolean {
    return this.book.has(id);
  }

  keyOf(id: number): string | undefined {
    return this.entries.get(id)?.key;
  }

  /** Adds an open managed trade (new or hydrated with its legs); evaluated from the next tick on. */
  add(key: string, terms: BookTrade, plan: TradePlan): boolean {
    if (this.entries.has(terms.id)) return false;
    const filled = plan.legs.filter((l) => l.kind.startsWith('TP')).length;
    const book: ManagedTerms = {
      id: terms.id,
      direction: terms.direction,
      entryPrice: terms.entryPrice,
      quantity: terms.quantity,
      targets: plan.targets,
      shares: plan.shares,
      stopLoss: terms.stopLoss,
      slMode: plan.slMode,
      trailing: plan.trailing && {
        callbackRate: plan.trailing.callbackRate,
        ...(plan.trailing.activationPrice === null ? {} : { activationPrice: plan.trailing.activationPrice }),
      },
    };
    this.book.add(key, book, { filled, trailingBest: plan.trailingBest });
    const open = sumMoney([terms.quantity, -sumMoney(plan.legs.map((l) => l.quantity))]);
    this.entries.set(terms.id, { key, terms: { ...terms }, plan, open, last: this.book.state(terms.id), savedBest: plan.trailingBest });
    if (terms.userId === null) this.aggregate(key).add(dirOf(terms), open, terms.entryPrice);
    return true;
  }

  /** A tick through the managed book; each trade that filled is handed to `sink` once, with its fills in order. */
  tick(key: string, price: number, ts: number, sink: (f: TradeFills) => void): void {
    const out = this.out;
    out.length = 0;
    if (!this.book.tick(key, price, ts, out) || out.length === 0) return;
    // Each trade once, in the order its first fill came, with its fills in order.
    const byTrade = new Map<number, LegFill[]>();
    for (const f of out) {
      const list = byTrade.get(f.id);
      if (list) list.push(f);
      else byTrade.set(f.id, [f]);
    }
    for (const [id, fills] of byTrade) sink(this.after(id, fills));
  }

  /** Closes what is left (manual close, expiry) at `price`; null if the book no longer holds it. */
  close(id: number, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number): TradeFills | null {
    const fill = this.book.close(id, kind, price, ts);
    return fill ? this.after(id, [fill]) : null;
  }

  /** Where a trade stands for an update: its plan, targets filled, the managed stop in force. */
  standing(id: number): { plan: TradePlan; filled: number; stopLoss: number; terms: BookTrade } | undefined {
    const e = this.entries.get(id);
    const s = this.book.state(id);
    return e && s ? { plan: e.plan, filled: s.filled, stopLoss: s.stopLoss, terms: e.terms } : undefined;
  }

  /**
   * New terms for the unfilled part (a committed signal update): `targets`/`shares` are the whole
   * plan's (filled ones first, shares of the whole quantity). False if the book no longer holds it.
   */
  update(id: number, next: Pick<TradePlan, 'targets' | 'shares' | 'slMode' | 'trailing'> & { stopLoss: number }): boolean {
    const e = this.entries.get(id);
    const s = this.book.state(id);
    if (!e || !s) return false;
    const unfilled = next.shares.slice(s.filled);
    const left = unfilled.reduce((a, b) => a + b, 0);
    this.book.update(id, {
      stopLoss: next.stopLoss,
      targets: next.targets.slice(s.filled),
      shares: unfilled.map((x) => x / left),
      slMode: next.slMode,
      trailing: next.trailing && {
        callbackRate: next.trailing.callbackRate,
        ...(next.trailing.activationPrice === null ? {} : { activationPrice: next.trailing.activationPrice }),
      },
    });
    e.plan = { ...e.plan, targets: next.targets, shares: next.shares, slMode: next.slMode, trailing: next.trailing };
    e.terms = { ...e.terms, takeProfit: next.targets[next.targets.length - 1] as number };
    e.last = this.book.state(id);
    return true;
  }

  /** Legs the database now holds: they join the plan (once per kind) and leave the unrealised sums. */
  committed(id: number, legs: readonly LegRecord[]): void {
    const e = this.entries.get(id);
    if (!e) return;
    const have = new Set(e.plan.legs.map((l) => l.kind));
    const fresh = legs.filter((l) => !have.has(l.kind));
    if (fresh.length === 0) return;
    e.plan = { ...e.plan, legs: [...e.plan.legs, ...fresh] };
    const open = Math.max(0, sumMoney([e.open, -sumMoney(fresh.map((l) => l.quantity))]));
    if (e.terms.userId === null) {
      const agg = this.aggregate(e.key);
      agg.remove(dirOf(e.terms), e.open, e.terms.entryPrice);
      if (open > 0) agg.add(dirOf(e.terms), open, e.terms.entryPrice);
    }
    e.open = open;
  }

  /** The trade leaves (its close is committed, here or elsewhere). */
  remove(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    if (this.book.has(id)) this.book.close(id, 'MANUAL', e.terms.entryPrice, Number.MAX_SAFE_INTEGER);
    if (e.terms.userId === null && e.open > 0) this.aggregate(e.key).remove(dirOf(e.terms), e.open, e.terms.entryPrice);
  }

  terms(id: number): BookTrade | undefined {
    return this.entries.get(id)?.terms;
  }

  /** The record with the plan and the stop in force: the side table's record of the trade, completed. */
  complete(id: number, r: TradeRecord): TradeRecord {
    const e = this.entries.get(id);
    if (!e) return r;
    const s = this.book.state(id) ?? e.last;
    return { ...r, stopLoss: s ? s.effectiveStop : r.stopLoss, plan: { ...e.plan, trailingBest: s ? s.trailingBest : e.plan.trailingBest } };
  }

  /** Unrealised P/L of the trade's open remainder at `price` (exit fee included), with that price. */
  unrealizedOf(id: number, price: number): ProfitLoss | null {
    const e = this.entries.get(id);
    if (!e || !(e.open > 0)) return null;
    return profitLossAt(
      { direction: e.terms.direction, entryPrice: e.terms.entryPrice, quantity: e.open, positionSize: e.terms.positionSize },
      price,
      this.feeRate,
    );
  }

  /** Unrealised P/L of the system trades' remainders under a price key. */
  unrealizedPnlOf(key: string, price: number | undefined): number {
    return this.pnl.get(key)?.valueAt(price, this.feeRate) ?? 0;
  }

  /** Sum of the committed legs of open system trades (SPEC §9 open_realized_profit_loss). */
  openRealized(): number {
    const values: number[] = [];
    for (const e of this.entries.values()) if (e.terms.userId === null) for (const l of e.plan.legs) values.push(l.profitLoss);
    return sumMoney(values);
  }

  /** Ids of open managed trades of one user (their snapshot), or of all. */
  ids(userId?: number | null): number[] {
    const out: number[] = [];
    for (const [id, e] of this.entries) if (userId === undefined || e.terms.userId === userId) out.push(id);
    return out;
  }

  /**
   * Trailing bests that moved since last handed out (SPEC §9 restart: a trade hydrates with the best
   * price so far). One pass over the open managed trades, for a periodic checkpoint, not per tick.
   */
  trailingChanges(): Array<{ id: number; best: number; direction: 'LONG' | 'SHORT' }> {
    const out: Array<{ id: number; best: number; direction: 'LONG' | 'SHORT' }> = [];
    for (const [id, e] of this.entries) {
      if (e.plan.trailing === null) continue;
      const best = this.book.state(id)?.trailingBest ?? null;
      if (best === null || best === e.savedBest) continue;
      out.push({ id, best, direction: e.terms.direction });
    }
    return out;
  }

  /** Those bests are in the database now. */
  trailingSaved(items: ReadonlyArray<{ id: number; best: number }>): void {
    for (const i of items) {
      const e = this.entries.get(i.id);
      if (e) e.savedBest = i.best;
    }
  }

  private after(id: number, fills: LegFill[]): TradeFills {
    const e = this.entries.get(id) as Entry;
    const final = fills.some((f) => f.final);
    if (!final) e.last = this.book.state(id);
    if (e.last) e.savedBest = e.last.trailingBest; // the leg's write records it
    return {
      id,
      fills,
      stopLoss: e.last ? e.last.stopLoss : e.terms.stopLoss,
      trailingBest: e.last ? e.last.trailingBest : null,
      final,
    };
  }

  private aggregate(key: string): PnlAggregate {
    let a = this.pnl.get(key);
    if (!a) this.pnl.set(key, (a = new PnlAggregate()));
    return a;
  }
}

const dirOf = (t: BookTrade): number => (t.direction === 'LONG' ? 1 : -1);
