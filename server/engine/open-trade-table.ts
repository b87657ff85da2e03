// What the engine knows of each open trade beyond the book's terms: owner, bot, market, timeframe, status,
// confidence, leverage, times and the price-gap flag, in typed arrays (~100 B a trade with its index: P6 peak RSS)
// instead of a TradeJson object per trade. The record, and from it the TradeJson, is built on demand.
import { MARKET_TYPES, TIMEFRAMES, TRADE_STATUSES, type MarketType, type Timeframe, type TradeStatus } from '../../shared/constants.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';
import type { BookTrade } from '../book/types.ts';
import { marketOfKey, priceKey, symbolOfKey } from '../../shared/price-key.ts';
import { IdIndex } from '../book/id-index.ts';
import { plainBuffer, sharedPages, type Alloc } from '../book/reserve-memory.ts';

/** Offsets in a numeric record; userId is NaN for a system trade. */
const N = { id: 0, userId: 1, confidence: 2, leverage: 3, createdAt: 4, updatedAt: 5, seq: 6 } as const;
const N_STRIDE = 7;
/** Offsets in a code record: used (0 = free slot), market, timeframe, status, gap. */
const C = { used: 0, market: 1, timeframe: 2, status: 3, gap: 4 } as const;
const C_STRIDE = 5;

/**
 * The part of an open trade's record (shared/trade-json.ts) the table holds: everything but the
 * book's terms and the exit fields (null while open; rows that have them are kept whole).
 */
export type OpenTradeSide = Pick<
  TradeRecord,
  'id' | 'userId' | 'bot' | 'symbol' | 'marketType' | 'timeframe' | 'status' | 'confidence' | 'leverage' | 'createdAt' | 'updatedAt' | 'priceGap'
>;

export class OpenTradeTable {
  private readonly index = new IdIndex();
  private nums: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private codes: Int8Array<ArrayBufferLike> = new Int8Array(0);
  private symbolOrds: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** The bot's ordinal in `bots`, -1 for none (a user's trade). */
  private botOrds: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private free: number[] = [];
  private highWater = 0;
  private capacity = 0;
  private nextSeq = 0;
  private readonly symbols = new Names();
  private readonly bots = new Names();
  /**
   * Trades whose wire form the book cannot give: PENDING ones (not in the book) and any open row
   * with exit fields set. Few; kept whole, their `price_gap` kept in step with the table's flag.
   */
  private readonly whole = new Map<number, TradeJson>();

  constructor(capacity = 1024) {
    this.grow(capacity);
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Room for `n` trades in one step (start-up hydration, P6). Returns the memory that took, shared,
   * for a caller that can fault it in off the loop (page-prefault.ts); empty if already large enough.
   */
  reserve(n: number): SharedArrayBuffer[] {
    const fresh: SharedArrayBuffer[] = [];
    if (n > this.capacity) this.grow(n, sharedPages(fresh));
    return [...fresh, ...this.index.reserve(n)];
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  /** Adds (or replaces) a trade; `whole` when its wire form is not derivable from the book. Keeps its order if present. */
  set(f: OpenTradeSide, whole?: TradeJson): void {
    const slot = this.index.get(f.id);
    if (slot < 0) this.insert(f, whole);
    else this.write(slot, f, whole);
  }

  /** Adds a trade the caller knows is absent (start-up hydration: ids unique by primary key), one index probe. */
  insert(f: OpenTradeSide, whole?: TradeJson): void {
    const slot = this.alloc();
    this.index.insertNew(f.id, slot);
    this.nums[slot * N_STRIDE + N.seq] = this.nextSeq++;
    this.write(slot, f, whole);
  }

  delete(id: number): boolean {
    const slot = this.index.get(id);
    if (slot < 0) return false;
    this.index.delete(id);
    this.whole.delete(id);
    this.codes[slot * C_STRIDE + C.used] = 0;
    this.free.push(slot);
    return true;
  }

  /** The side fields of an open trade, or undefined. */
  get(id: number): OpenTradeSide | undefined {
    const slot = this.index.get(id);
    return slot < 0 ? undefined : this.fieldsAt(slot);
  }

  /**
   * The whole record of an open trade from the book's terms and this table (exit fields null), or
   * undefined if the table does not hold it. The symbol is the table's: the book's is the price key.
   */
  record(id: number, terms: BookTrade): TradeRecord | undefined {
    const slot = this.index.get(id);
    if (slot < 0) return undefined;
    const n = slot * N_STRIDE;
    const c = slot * C_STRIDE;
    const nums = this.nums;
    const codes = this.codes;
    const u = nums[n + N.userId] as number;
    return {
      id,
      userId: Number.isNaN(u) ? null : u,
      signalId: terms.signalId,
      bot: this.botAt(slot),
      symbol: this.symbols.name(this.symbolOrds[slot] as number),
      direction: terms.direction,
      marketType: MARKET_TYPES[codes[c + C.market] as number] as MarketType,
      timeframe: TIMEFRAMES[codes[c + C.timeframe] as number] as Timeframe,
      confidence: nums[n + N.confidence] as number,
      leverage: nums[n + N.leverage] as number,
      entryPrice: terms.entryPrice,
      openedAt: terms.openedAt,
      positionSize: terms.positionSize,
      quantity: terms.quantity,
      takeProfit: terms.takeProfit,
      stopLoss: terms.stopLoss,
      status: TRADE_STATUSES[codes[c + C.status] as number] as TradeStatus,
      exitPrice: null,
      exitTime: null,
      fees: null,
      profitLoss: null,
      profitLossPercentage: null,
      priceGap: codes[c + C.gap] === 1,
      createdAt: nums[n + N.createdAt] as number,
      updatedAt: nums[n + N.updatedAt] as number,
    };
  }

  /** The whole wire form kept for a pending (or unusual) trade, without its live gap flag. */
  wholeOf(id: number): TradeJson | undefined {
    return this.whole.get(id);
  }

  /** Ids of open trades in the order they were first added, filtered by owner (the wall decides which). */
  idsInOrder(wanted: (userId: number | null) => boolean): number[] {
    const slots: number[] = [];
    const nums = this.nums;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.codes[slot * C_STRIDE + C.used] !== 1) continue;
      const u = nums[slot * N_STRIDE + N.userId] as number;
      if (wanted(Number.isNaN(u) ? null : u)) slots.push(slot);
    }
    slots.sort((a, b) => (nums[a * N_STRIDE + N.seq] as number) - (nums[b * N_STRIDE + N.seq] as number));
    return slots.map((slot) => nums[slot * N_STRIDE + N.id] as number);
  }

  /** Sets the gap flag on every open trade of the given price keys (null = all); returns the keys that had any. */
  markGaps(keys: ReadonlySet<string> | null): Set<string> {
    const marked = new Set<string>();
    // A price key (shared/price-key.ts) is a (symbol, market) pair: ord · 2 + market code here.
    const pair = (ord: number, market: number): number => ord * 2 + market;
    const want = keys === null ? null : new Set<number>();
    for (const k of keys ?? []) {
      const ord = this.symbols.ordinal(symbolOfKey(k));
      if (ord !== undefined) want!.add(pair(ord, codeOf(MARKET_TYPES, marketOfKey(k))));
    }
    for (let slot = 0; slot < this.highWater; slot++) {
      const c = slot * C_STRIDE;
      if (this.codes[c + C.used] !== 1) continue;
      const ord = this.symbolOrds[slot] as number;
      const market = this.codes[c + C.market] as number;
      if (want !== null && !want.has(pair(ord, market))) continue;
      this.codes[c + C.gap] = 1;
      marked.add(priceKey(this.symbols.name(ord), MARKET_TYPES[market] as MarketType));
      if (this.whole.size > 0) {
        const whole = this.whole.get(this.nums[slot * N_STRIDE + N.id] as number);
        if (whole) whole.price_gap = true;
      }
    }
    return marked;
  }

  private write(slot: number, f: OpenTradeSide, whole: TradeJson | undefined): void {
    const n = slot * N_STRIDE;
    const nums = this.nums;
    nums[n + N.id] = f.id;
    nums[n + N.userId] = f.userId ?? NaN;
    nums[n + N.confidence] = f.confidence;
    nums[n + N.leverage] = f.leverage;
    nums[n + N.createdAt] = f.createdAt;
    nums[n + N.updatedAt] = f.updatedAt;
    const c = slot * C_STRIDE;
    this.codes[c + C.used] = 1;
    this.codes[c + C.market] = codeOf(MARKET_TYPES, f.marketType);
    this.codes[c + C.timeframe] = codeOf(TIMEFRAMES, f.timeframe);
    this.codes[c + C.status] = codeOf(TRADE_STATUSES, f.status);
    this.codes[c + C.gap] = f.priceGap ? 1 : 0;
    this.symbolOrds[slot] = this.symbols.intern(f.symbol);
    this.botOrds[slot] = f.bot === null ? -1 : this.bots.intern(f.bot);
    if (whole) this.whole.set(f.id, whole);
    else this.whole.delete(f.id);
  }

  private fieldsAt(slot: number): OpenTradeSide {
    const n = slot * N_STRIDE;
    const c = slot * C_STRIDE;
    const nums = this.nums;
    const codes = this.codes;
    const u = nums[n + N.userId] as number;
    return {
      id: nums[n + N.id] as number,
      userId: Number.isNaN(u) ? null : u,
      bot: this.botAt(slot),
      symbol: this.symbols.name(this.symbolOrds[slot] as number),
      marketType: MARKET_TYPES[codes[c + C.market] as number] as MarketType,
      timeframe: TIMEFRAMES[codes[c + C.timeframe] as number] as Timeframe,
      status: TRADE_STATUSES[codes[c + C.status] as number] as TradeStatus,
      confidence: nums[n + N.confidence] as number,
      leverage: nums[n + N.leverage] as number,
      createdAt: nums[n + N.createdAt] as number,
      updatedAt: nums[n + N.updatedAt] as number,
      priceGap: codes[c + C.gap] === 1,
    };
  }

  private botAt(slot: number): string | null {
    const ord = this.botOrds[slot] as number;
    return ord < 0 ? null : this.bots.name(ord);
  }

  private alloc(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.highWater === this.capacity) this.grow(this.capacity * 2);
    return this.highWater++;
  }

  private grow(capacity: number, alloc: Alloc = plainBuffer): void {
    const nums = new Float64Array(alloc(capacity * N_STRIDE * 8), 0, capacity * N_STRIDE);
    nums.set(this.nums);
    const codes = new Int8Array(alloc(capacity * C_STRIDE), 0, capacity * C_STRIDE);
    codes.set(this.codes);
    const ords = new Int32Array(alloc(capacity * 4), 0, capacity);
    ords.set(this.symbolOrds);
    const botOrds = new Int32Array(alloc(capacity * 4), 0, capacity);
    botOrds.set(this.botOrds);
    this.nums = nums;
    this.codes = codes;
    this.symbolOrds = ords;
    this.botOrds = botOrds;
    this.capacity = capacity;
  }
}

function codeOf<T extends string>(values: readonly T[], v: T): number {
  const i = values.indexOf(v);
  if (i < 0) throw new RangeError(`unknown value: ${v}`);
  return i;
}

/** Few distinct strings (symbols, bots) held once each, by ordinal. */
class Names {
  private readonly names: string[] = [];
  private readonly ords = new Map<string, number>();

  intern(name: string): number {
    let ord = this.ords.get(name);
    if (ord === undefined) {
      ord = this.names.length;
      this.names.push(name);
      this.ords.set(name, ord);
    }
    return ord;
  }

  ordinal(name: string): number | undefined {
    return this.ords.get(name);
  }

  name(ord: number): string {
    return this.names[ord] as string;
  }
}
