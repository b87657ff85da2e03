// ENTRY_MODE=touch: trades wait as PENDING until the price touches their entry. A pending trade is
// cancelled if its TP or SL is crossed first. Pending trades are few and short-lived, so each
// price key (symbol and market) keeps a plain list, checked only on that key's ticks.
import { tradePriceKey } from '../../shared/price-key.ts';
import { crossedLevel } from '../../shared/trade-math.ts';
import type { OwnedTrade } from './ports.ts';

export type PendingOutcome = { kind: 'touched' | 'invalidated'; entry: OwnedTrade; price: number };

interface Waiting {
  entry: OwnedTrade;
  /** Which side of the entry the price was on when we started watching: +1 above, -1 below, 0 unknown. */
  side: number;
}

export class PendingEntries {
  private bySymbol = new Map<string, Waiting[]>();
  private ids = new Map<number, string>();

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(entry: OwnedTrade, lastPrice: number | undefined): void {
    const t = entry.trade;
    const side = lastPrice === undefined ? 0 : Math.sign(lastPrice - t.entry_price);
    const key = tradePriceKey(t);
    const list = this.bySymbol.get(key) ?? [];
    list.push({ entry, side });
    this.bySymbol.set(key, list);
    this.ids.set(t.id, key);
  }

  remove(id: number): OwnedTrade | undefined {
    const symbol = this.ids.get(id);
    if (symbol === undefined) return undefined;
    this.ids.delete(id);
    const list = this.bySymbol.get(symbol) ?? [];
    const i = list.findIndex((w) => w.entry.trade.id === id);
    const [w] = i >= 0 ? list.splice(i, 1) : [];
    if (list.length === 0) this.bySymbol.delete(symbol);
    return w?.entry;
  }

  /**
   * Decides every pending trade of `symbol` at `price`: touched (the price reached the entry from
   * the side it started on, or equals it) or invalidated (TP or SL crossed first). Decided trades
   * leave the list.
   */
  tick(symbol: string, price: number): PendingOutcome[] {
    const list = this.bySymbol.get(symbol);
    if (!list) return [];
    const out: PendingOutcome[] = [];
    const keep: Waiting[] = [];
    for (const w of list) {
      const t = w.entry.trade;
      const crossed = crossedLevel(t.direction, t.take_profit, t.stop_loss, price);
      const side = Math.sign(price - t.entry_price);
      if (crossed) out.push({ kind: 'invalidated', entry: w.entry, price });
      else if (side === 0 || (w.side !== 0 && side !== w.side)) out.push({ kind: 'touched', entry: w.entry, price });
      else {
        if (w.side === 0) w.side = side;
        keep.push(w);
      }
    }
    for (const o of out) this.ids.delete(o.entry.trade.id);
    if (keep.length === 0) this.bySymbol.delete(symbol);
    else this.bySymbol.set(symbol, keep);
    return out;
  }

  trades(): OwnedTrade[] {
    return [...this.bySymbol.values()].flatMap((l) => l.map((w) => w.entry));
  }
}
