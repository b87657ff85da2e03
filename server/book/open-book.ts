// The in-memory book of open trades: decides TP/SL closes per tick (SPEC §2) in O(log n + k) (bench
// P1, P2) and keeps the live unrealised P/L of system trades. Pure: time and ids in, events out.
import type { ClosedStatus } from '../../shared/constants.ts';
import { crossedLevel, exitPriceFor, profitLossAt, roundMoney, type ProfitLoss } from '../../shared/trade-math.ts';
import { BookFanout } from './book-fanout.ts';
import { CloseWarmer } from './close-warmer.ts';
import { IdIndex } from './id-index.ts';
import type { SymbolBook } from './symbol-book.ts';
import { H, H_STRIDE, SymbolTable } from './symbol-table.ts';
import { assertTradeTerms } from './trade-terms.ts';
import { F, F_STRIDE, M, M_STRIDE, SLOT_OPEN, TradeStore } from './trade-store.ts';
import type { BookClose, BookTrade, ManualCloseStatus, OpenBookOptions, TradeFilter } from './types.ts';

/** Re-sum the unrealised total from per-symbol values every 2^16 updates, so float drift stays bounded. */
const RESUM_MASK = 0xffff;

export class OpenBook {
  readonly feeRate: number;
  private readonly events: BookFanout;
  private readonly store = new TradeStore();
  private readonly slotsById = new IdIndex();
  private readonly symbols: SymbolTable;
  /** Ids of open user trades per user; system trades (the bulk) are not indexed here (P7's bytes per trade). */
  private readonly userTrades = new Map<number, Set<number>>();
  private readonly triggered: number[] = [];
  private readonly warmer = new CloseWarmer();
  private uplTotal = 0;
  private uplUpdates = 0;

  constructor(options: OpenBookOptions) {
    if (!(options.feeRate >= 0 && options.feeRate < 1)) throw new RangeError(`feeRate out of range: ${options.feeRate}`);
    this.feeRate = options.feeRate;
    this.events = new BookFanout(options.listener, options.onListenerError);
    this.symbols = new SymbolTable(this.store, this.feeRate);
  }

  get size(): number {
    return this.slotsById.size;
  }

  sizeOf(symbol: string): number {
    return this.symbols.bookOf(symbol)?.live ?? 0;
  }

  has(id: number): boolean {
    return this.slotsById.has(id);
  }

  get(id: number): BookTrade | undefined {
    const slot = this.slotsById.get(id);
    return slot < 0 ? undefined : this.tradeAt(slot);
  }

  /**
   * Sizes the store and id index for `n` open trades in one step (start-up hydration of a known
   * count, P6). Returns the memory that took: shared, for a caller that can fault it in off the
   * loop (engine/page-prefault.ts); empty when the book was already large enough.
   */
  reserve(n: number): SharedArrayBuffer[] {
    return [...this.store.reserve(n), ...this.slotsById.reserve(n)];
  }

  /** Adds an open trade; false if its id is already open. It is evaluated from the next tick on. */
  add(t: BookTrade): boolean {
    if (this.slotsById.has(t.id)) return false;
    this.addUnique(t);
    return true;
  }

  /**
   * Adds a trade whose id the caller knows is not open (start-up hydration: the primary key makes
   * rows unique), skipping the duplicate probe (P6). Otherwise exactly `add`.
   */
  addUnique(t: BookTrade): void {
    assertTradeTerms(t);
    const ord = this.symbols.ensure(t.symbol);
    const s = this.symbols.book(ord);
    const store = this.store;
    const slot = store.alloc();
    const dir = t.direction === 'LONG' ? 1 : -1;
    store.write(slot, t, ord);
    s.index.add(slot, dir, t.takeProfit, t.stopLoss);
    this.symbols.syncTops(ord);
    s.live++;
    this.slotsById.insertNew(t.id, slot);
    if (t.userId === null) {
      s.pnl.add(dir, t.quantity, t.entryPrice);
      this.addUpl(this.symbols.syncPnl(ord));
    } else {
      let ids = this.userTrades.get(t.userId);
      if (ids === undefined) this.userTrades.set(t.userId, (ids = new Set()));
      ids.add(t.id);
    }
    this.events.opened(t);
  }

  /**
   * Applies a tick: -1 if ignored (older than the symbol's last tick, or not a positive finite price),
   * else the number of trades it closed. `closed` fires once per close, then `price`.
   */
  tick(symbol: string, price: number, ts: number): number {
    if (!(price > 0 && price < Infinity)) return -1;
    const ord = this.symbols.ordinal(symbol) ?? this.symbols.ensure(symbol);
    let hot = this.symbols.hot;
    const h = ord * H_STRIDE;
    if (!(ts >= (hot[h + H.ts] as number))) return -1;
    hot[h + H.price] = price;
    hot[h + H.ts] = ts;
    let closed = 0;
    if ((hot[h + H.up] as number) <= price || (hot[h + H.down] as number) <= -price) {
      closed = this.trigger(ord, price, ts);
      hot = this.symbols.hot;
    }
    if ((hot[h + H.sys] as number) > 0) {
      const value = price * (hot[h + H.a] as number) - (hot[h + H.b] as number);
      this.addUpl(value - (hot[h + H.upl] as number));
      hot[h + H.upl] = value;
    }
    this.events.price(symbol, price, ts);
    return closed;
  }

  /** Closes an open trade at `price`, else its symbol's last price, else its entry; null if not open. */
  close(id: number, status: ManualCloseStatus, ts: number, price?: number): BookClose | null {
    const slot = this.slotsById.get(id);
    if (slot < 0) return null;
    if (price !== undefined && !(price > 0 && price < Infinity)) throw new RangeError(`bad close price: ${price}`);
    const store = this.store;
    const trade = this.tradeAt(slot);
    const ord = this.symbols.ordinal(trade.symbol) as number;
    const s = this.symbols.book(ord);
    const exit = price ?? this.symbols.price(ord) ?? trade.entryPrice;
    const c = this.finish(s, slot, trade, status, exit, ts);
    store.markClosed(slot);
    s.index.compactIfNeeded(s.live);
    this.symbols.syncTops(ord);
    this.addUpl(this.symbols.syncPnl(ord));
    this.events.closed([c]);
    return c;
  }

  /**
   * Takes an open trade out of the book without closing it (no event, no P/L): it moves elsewhere
   * (a signal update gives it a plan the managed book decides). Null if not open.
   */
  detach(id: number): BookTrade | null {
    const slot = this.slotsById.get(id);
    if (slot < 0) return null;
    const trade = this.tradeAt(slot);
    const ord = this.symbols.ordinal(trade.symbol) as number;
    const s = this.symbols.book(ord);
    this.finish(s, slot, trade, 'CLOSED_MANUAL', trade.entryPrice, 0);
    this.store.markClosed(slot);
    s.index.compactIfNeeded(s.live);
    this.symbols.syncTops(ord);
    this.addUpl(this.symbols.syncPnl(ord));
    return trade;
  }

  lastPrice(symbol: string): { price: number; ts: number } | undefined {
    const ord = this.symbols.ordinal(symbol);
    const price = ord === undefined ? undefined : this.symbols.price(ord);
    return price === undefined ? undefined : { price, ts: this.symbols.ts(ord as number) };
  }

  *prices(): IterableIterator<[symbol: string, price: number, ts: number]> {
    for (const s of this.symbols.books) {
      const price = this.symbols.price(s.ordinal);
      if (price !== undefined) yield [s.name, price, this.symbols.ts(s.ordinal)];
    }
  }

  /** Unrealised P/L of all open system trades at their symbols' last prices, exit fee included. */
  unrealizedPnl(): number {
    return roundMoney(this.uplTotal);
  }

  unrealizedPnlOf(symbol: string): number {
    const ord = this.symbols.ordinal(symbol);
    return ord === undefined ? 0 : roundMoney(this.symbols.upl(ord));
  }

  /** Unrealised P/L of one open trade (system or user) at its symbol's last price, or entry. */
  unrealizedOf(id: number): (ProfitLoss & { price: number }) | null {
    const t = this.get(id);
    if (t === undefined) return null;
    const price = this.symbols.price(this.symbols.ordinal(t.symbol) as number) ?? t.entryPrice;
    return { price, ...profitLossAt(t, price, this.feeRate) };
  }

  /** Flags every open trade of `symbol` as having seen a gap in price data (restart, staleness). */
  markGap(symbol: string): void {
    const flags = this.store.flags;
    this.symbols.bookOf(symbol)?.index.forEachLive((slot) => (flags[slot * M_STRIDE + M.gap] = 1));
  }

  /** Open trades matching the filter, by ascending id. */
  trades(filter: TradeFilter = {}): BookTrade[] {
    const { userId, symbol } = filter;
    const slots: number[] = [];
    const store = this.store;
    const wanted = (slot: number): boolean => {
      if (userId === undefined) return true;
      const u = store.nums[slot * F_STRIDE + F.userId] as number;
      return userId === null ? Number.isNaN(u) : u === userId;
    };
    if (symbol !== undefined) {
      this.symbols.bookOf(symbol)?.index.forEachLive((slot) => wanted(slot) && slots.push(slot));
    } else if (typeof userId === 'number') {
      for (const id of this.userTrades.get(userId) ?? []) slots.push(this.slotsById.get(id));
    } else {
      for (let slot = 0; slot < store.highWater; slot++) {
        if (store.state(slot) === SLOT_OPEN && wanted(slot)) slots.push(slot);
      }
    }
    return slots.map((slot) => this.tradeAt(slot)).sort((a, b) => a.id - b.id);
  }

  private trigger(ord: number, price: number, ts: number): number {
    const s = this.symbols.book(ord);
    const slots = this.triggered;
    slots.length = 0;
    s.index.collect(price, slots);
    this.warmer.warm(this.store.nums, this.slotsById, slots);
    const closes: BookClose[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      const t = this.tradeAt(slot);
      // A popped live leg is always crossed; crossedLevel decides TP vs SL exactly as a full scan would.
      const reason = crossedLevel(t.direction, t.takeProfit, t.stopLoss, price) ?? 'SL';
      const exit = exitPriceFor(t.direction, reason, t.takeProfit, t.stopLoss, price);
      closes.push(this.finish(s, slot, t, reason === 'TP' ? 'CLOSED_TP' : 'CLOSED_SL', exit, ts));
    }
    slots.length = 0;
    s.index.compactIfNeeded(s.live);
    this.symbols.syncTops(ord);
    this.addUpl(this.symbols.syncPnl(ord));
    this.events.closed(closes);
    return closes.length;
  }

  /** Takes a trade out of every index and prices its close. The slot's state is the caller's business. */
  private finish(s: SymbolBook, slot: number, trade: BookTrade, status: ClosedStatus, exitPrice: number, ts: number): BookClose {
    const pl = profitLossAt(trade, exitPrice, this.feeRate);
    this.slotsById.delete(trade.id);
    s.live--;
    if (trade.userId === null) {
      s.pnl.remove(trade.direction === 'LONG' ? 1 : -1, trade.quantity, trade.entryPrice);
    } else {
      const ids = this.userTrades.get(trade.userId);
      ids?.delete(trade.id);
      if (ids?.size === 0) this.userTrades.delete(trade.userId);
    }
    return {
      trade,
      status,
      exitPrice,
      exitTime: ts,
      fees: pl.fees,
      profitLoss: pl.profitLoss,
      profitLossPercentage: pl.profitLossPercentage,
      priceGap: this.store.flags[slot * M_STRIDE + M.gap] === 1,
    };
  }

  private tradeAt(slot: number): BookTrade {
    return this.store.read(slot, this.symbols.book(this.store.symbolAt(slot)).name);
  }

  private addUpl(delta: number): void {
    this.uplTotal += delta;
    if ((++this.uplUpdates & RESUM_MASK) === 0) {
      let total = 0;
      for (const sym of this.symbols.books) total += this.symbols.upl(sym.ordinal);
      this.uplTotal = total;
    }
  }
}
