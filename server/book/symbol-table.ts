// Symbols by name and ordinal. What a tick reads and writes sits in one 64-byte record per symbol
// (last price and ts, both heap tops, P/L coefficients), so a nothing-triggers tick touches one line
// (benchmark P1).
import { SymbolBook } from './symbol-book.ts';
import type { TradeStore } from './trade-store.ts';

/** Offsets in a hot record. UPL of the symbol's system trades at price p is p·a − b. */
export const H = { price: 0, ts: 1, up: 2, down: 3, a: 4, b: 5, upl: 6, sys: 7 } as const;
export const H_STRIDE = 8;

export class SymbolTable {
  hot = new Float64Array(64 * H_STRIDE);
  readonly books: SymbolBook[] = [];
  private readonly ordinals = new Map<string, number>();

  constructor(
    private readonly store: TradeStore,
    private readonly feeRate: number,
  ) {}

  ordinal(name: string): number | undefined {
    return this.ordinals.get(name);
  }

  ensure(name: string): number {
    const known = this.ordinals.get(name);
    if (known !== undefined) return known;
    const ord = this.books.length;
    if ((ord + 1) * H_STRIDE > this.hot.length) {
      const hot = new Float64Array(this.hot.length * 2);
      hot.set(this.hot);
      this.hot = hot;
    }
    const h = ord * H_STRIDE;
    this.hot.set([NaN, -Infinity, Infinity, Infinity, 0, 0, 0, 0], h);
    this.books.push(new SymbolBook(name, ord, this.store));
    this.ordinals.set(name, ord);
    return ord;
  }

  book(ord: number): SymbolBook {
    return this.books[ord] as SymbolBook;
  }

  bookOf(name: string): SymbolBook | undefined {
    const ord = this.ordinals.get(name);
    return ord === undefined ? undefined : this.book(ord);
  }

  /** Last tick price, or undefined before the first tick. */
  price(ord: number): number | undefined {
    const h = ord * H_STRIDE;
    return this.hot[h + H.ts] === -Infinity ? undefined : (this.hot[h + H.price] as number);
  }

  ts(ord: number): number {
    return this.hot[ord * H_STRIDE + H.ts] as number;
  }

  upl(ord: number): number {
    return this.hot[ord * H_STRIDE + H.upl] as number;
  }

  /** Mirrors the heap tops into the hot record; call after any heap change. */
  syncTops(ord: number): void {
    const index = this.book(ord).index;
    this.hot[ord * H_STRIDE + H.up] = index.up.top();
    this.hot[ord * H_STRIDE + H.down] = index.down.top();
  }

  /** Re-derives the P/L coefficients after an add or close and revalues; returns the UPL change. */
  syncPnl(ord: number): number {
    const pnl = this.book(ord).pnl;
    const fee = this.feeRate;
    const hot = this.hot;
    const h = ord * H_STRIDE;
    hot[h + H.sys] = pnl.count;
    hot[h + H.a] = pnl.sumDirQ - fee * pnl.sumQ;
    hot[h + H.b] = pnl.sumDirQE + fee * pnl.sumQE;
    const price = this.price(ord);
    let value = 0;
    if (pnl.count > 0) value = price === undefined ? pnl.valueAt(undefined, fee) : price * (hot[h + H.a] as number) - (hot[h + H.b] as number);
    const delta = value - (hot[h + H.upl] as number);
    hot[h + H.upl] = value;
    return delta;
  }
}
