// The in-memory book of open trades: decides TP/SL closes per tick (SPEC §2) in O(log n + k) and keeps
// the live unrealised P/L of system trades. Pure: time and ids come in as arguments, events go out.
import type { ClosedStatus, Direction } from '../../shared/constants.ts';
import { crossedLevel, exitPriceFor, profitLossAt, roundMoney, type ProfitLoss } from '../../shared/trade-math.ts';
import { SymbolBook } from './symbol-book.ts';
import { assertTradeTerms, nullable } from './trade-terms.ts';
import { SLOT_OPEN, TradeStore } from './trade-store.ts';
import type { BookClose, BookEvents, BookTrade, ManualCloseStatus, OpenBookOptions, TradeFilter } from './types.ts';

/** Re-sum the unrealised total from per-symbol values every 2^16 updates, so float drift stays bounded. */
const RESUM_MASK = 0xffff;

export class OpenBook {
  private readonly feeRate: number;
  private readonly listener: BookEvents | undefined;
  private readonly onListenerError: ((err: unknown) => void) | undefined;
  private readonly store = new TradeStore();
  private readonly slotsById = new Map<number, number>();
  private readonly symbols = new Map<string, SymbolBook>();
  private readonly symbolList: SymbolBook[] = [];
  /** Ids of open user trades per user; system trades (the bulk) are not indexed here. */
  private readonly userTrades = new Map<number, Set<number>>();
  private readonly triggered: number[] = [];
  private uplTotal = 0;
  private uplUpdates = 0;

  constructor(options: OpenBookOptions) {
    if (!(options.feeRate >= 0 && options.feeRate < 1)) throw new RangeError(`feeRate out of range: ${options.feeRate}`);
    this.feeRate = options.feeRate;
    this.listener = options.listener;
    this.onListenerError = options.onListenerError;
  }

  get size(): number {
    return this.slotsById.size;
  }

  sizeOf(symbol: string): number {
    return this.symbols.get(symbol)?.live ?? 0;
  }

  has(id: number): boolean {
    return this.slotsById.has(id);
  }

  get(id: number): BookTrade | undefined {
    const slot = this.slotsById.get(id);
    return slot === undefined ? undefined : this.tradeAt(slot);
  }

  /** Adds an open trade; false if its id is already open. It is evaluated from the next tick on. */
  add(t: BookTrade): boolean {
    if (this.slotsById.has(t.id)) return false;
    assertTradeTerms(t);
    const s = this.symbolFor(t.symbol);
    const store = this.store;
    const slot = store.alloc();
    const dir = t.direction === 'LONG' ? 1 : -1;
    store.id[slot] = t.id;
    store.userId[slot] = t.userId ?? NaN;
    store.signalId[slot] = t.signalId ?? NaN;
    store.entry[slot] = t.entryPrice;
    store.qty[slot] = t.quantity;
    store.size[slot] = t.positionSize;
    store.tp[slot] = t.takeProfit;
    store.sl[slot] = t.stopLoss;
    store.openedAt[slot] = t.openedAt;
    store.symbol[slot] = s.ordinal;
    store.dir[slot] = dir;
    store.gap[slot] = 0;
    store.state[slot] = SLOT_OPEN;
    s.index.add(slot, dir, t.takeProfit, t.stopLoss);
    s.live++;
    this.slotsById.set(t.id, slot);
    if (t.userId === null) {
      s.pnl.add(dir, t.quantity, t.entryPrice);
      this.refreshUpl(s);
    } else {
      let ids = this.userTrades.get(t.userId);
      if (ids === undefined) this.userTrades.set(t.userId, (ids = new Set()));
      ids.add(t.id);
    }
    const opened = this.listener?.opened;
    if (opened !== undefined) this.guard(() => opened.call(this.listener, t));
    return true;
  }

  /**
   * Applies a tick: -1 if ignored (older than the symbol's last tick, or not a positive finite price),
   * else the number of trades it closed. `closed` fires once per close, then `price`.
   */
  tick(symbol: string, price: number, ts: number): number {
    if (!(price > 0 && price < Infinity)) return -1;
    let s = this.symbols.get(symbol);
    if (s === undefined) s = this.symbolFor(symbol);
    if (!(ts >= s.lastTs)) return -1;
    s.lastPrice = price;
    s.lastTs = ts;
    s.hasPrice = true;
    const closed = s.index.triggers(price) ? this.trigger(s, price, ts) : 0;
    if (s.pnl.count > 0) this.refreshUpl(s);
    const listener = this.listener;
    if (listener !== undefined && listener.price !== undefined) {
      try {
        listener.price(symbol, price, ts);
      } catch (err) {
        this.report(err);
      }
    }
    return closed;
  }

  /** Closes an open trade at `price`, else its symbol's last price, else its entry; null if not open. */
  close(id: number, status: ManualCloseStatus, ts: number, price?: number): BookClose | null {
    const slot = this.slotsById.get(id);
    if (slot === undefined) return null;
    if (price !== undefined && !(price > 0 && price < Infinity)) throw new RangeError(`bad close price: ${price}`);
    const store = this.store;
    const s = this.symbolList[store.symbol[slot] as number] as SymbolBook;
    const exit = price ?? s.price() ?? (store.entry[slot] as number);
    const c = this.finish(s, slot, status, exit, ts);
    store.markClosed(slot);
    s.index.compactIfNeeded(s.live);
    this.refreshUpl(s);
    this.emitClosed([c]);
    return c;
  }

  lastPrice(symbol: string): { price: number; ts: number } | undefined {
    const s = this.symbols.get(symbol);
    return s !== undefined && s.hasPrice ? { price: s.lastPrice, ts: s.lastTs } : undefined;
  }

  *prices(): IterableIterator<[symbol: string, price: number, ts: number]> {
    for (const s of this.symbolList) if (s.hasPrice) yield [s.name, s.lastPrice, s.lastTs];
  }

  /** Unrealised P/L of all open system trades at their symbols' last prices, exit fee included. */
  unrealizedPnl(): number {
    return roundMoney(this.uplTotal);
  }

  unrealizedPnlOf(symbol: string): number {
    return roundMoney(this.symbols.get(symbol)?.upl ?? 0);
  }

  /** Unrealised P/L of one open trade (system or user) at its symbol's last price, or entry. */
  unrealizedOf(id: number): (ProfitLoss & { price: number }) | null {
    const t = this.get(id);
    if (t === undefined) return null;
    const price = this.symbols.get(t.symbol)?.price() ?? t.entryPrice;
    return { price, ...profitLossAt(t, price, this.feeRate) };
  }

  /** Flags every open trade of `symbol` as having seen a gap in price data (restart, staleness). */
  markGap(symbol: string): void {
    const s = this.symbols.get(symbol);
    const gap = this.store.gap;
    s?.index.forEachLive((slot) => (gap[slot] = 1));
  }

  /** Open trades matching the filter, by ascending id. */
  trades(filter: TradeFilter = {}): BookTrade[] {
    const { userId, symbol } = filter;
    const slots: number[] = [];
    const store = this.store;
    const wanted = (slot: number): boolean => {
      if (userId === undefined) return true;
      const u = store.userId[slot] as number;
      return userId === null ? Number.isNaN(u) : u === userId;
    };
    if (symbol !== undefined) {
      this.symbols.get(symbol)?.index.forEachLive((slot) => wanted(slot) && slots.push(slot));
    } else if (typeof userId === 'number') {
      for (const id of this.userTrades.get(userId) ?? []) slots.push(this.slotsById.get(id) as number);
    } else {
      for (let slot = 0; slot < store.highWater; slot++) {
        if (store.state[slot] === SLOT_OPEN && wanted(slot)) slots.push(slot);
      }
    }
    return slots.map((slot) => this.tradeAt(slot)).sort((a, b) => a.id - b.id);
  }

  private trigger(s: SymbolBook, price: number, ts: number): number {
    const slots = this.triggered;
    slots.length = 0;
    s.index.collect(price, slots);
    const store = this.store;
    const closes: BookClose[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      const direction: Direction = store.dir[slot] === 1 ? 'LONG' : 'SHORT';
      const tp = store.tp[slot] as number;
      const sl = store.sl[slot] as number;
      // A popped live leg is always crossed; crossedLevel decides TP vs SL exactly as a full scan would.
      const reason = crossedLevel(direction, tp, sl, price) ?? 'SL';
      const exit = exitPriceFor(direction, reason, tp, sl, price);
      closes[i] = this.finish(s, slot, reason === 'TP' ? 'CLOSED_TP' : 'CLOSED_SL', exit, ts);
    }
    slots.length = 0;
    s.index.compactIfNeeded(s.live);
    if (s.pnl.count === 0) this.refreshUpl(s);
    this.emitClosed(closes);
    return closes.length;
  }

  /** Takes a trade out of every index and prices its close. The slot's state is the caller's business. */
  private finish(s: SymbolBook, slot: number, status: ClosedStatus, exitPrice: number, ts: number): BookClose {
    const trade = this.tradeAt(slot);
    const pl = profitLossAt(trade, exitPrice, this.feeRate);
    this.slotsById.delete(trade.id);
    s.live--;
    if (trade.userId === null) {
      s.pnl.remove(this.store.dir[slot] as number, trade.quantity, trade.entryPrice);
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
      priceGap: this.store.gap[slot] === 1,
    };
  }

  private tradeAt(slot: number): BookTrade {
    const st = this.store;
    return {
      id: st.id[slot] as number,
      userId: nullable(st.userId[slot] as number),
      signalId: nullable(st.signalId[slot] as number),
      symbol: (this.symbolList[st.symbol[slot] as number] as SymbolBook).name,
      direction: st.dir[slot] === 1 ? 'LONG' : 'SHORT',
      entryPrice: st.entry[slot] as number,
      quantity: st.qty[slot] as number,
      positionSize: st.size[slot] as number,
      takeProfit: st.tp[slot] as number,
      stopLoss: st.sl[slot] as number,
      openedAt: st.openedAt[slot] as number,
    };
  }

  private symbolFor(symbol: string): SymbolBook {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = new SymbolBook(symbol, this.symbolList.length, this.store);
      this.symbols.set(symbol, s);
      this.symbolList.push(s);
    }
    return s;
  }

  private refreshUpl(s: SymbolBook): void {
    const value = s.pnl.valueAt(s.hasPrice ? s.lastPrice : undefined, this.feeRate);
    this.uplTotal += value - s.upl;
    s.upl = value;
    if ((++this.uplUpdates & RESUM_MASK) === 0) {
      let total = 0;
      for (const sym of this.symbolList) total += sym.upl;
      this.uplTotal = total;
    }
  }

  private emitClosed(closes: BookClose[]): void {
    const listener = this.listener;
    if (listener === undefined || listener.closed === undefined) return;
    let failure: { err: unknown } | undefined;
    for (const c of closes) {
      try {
        listener.closed(c);
      } catch (err) {
        if (this.onListenerError !== undefined) this.onListenerError(err);
        else failure ??= { err };
      }
    }
    if (failure !== undefined) throw failure.err;
  }

  private guard(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    if (this.onListenerError === undefined) throw err;
    this.onListenerError(err);
  }
}
