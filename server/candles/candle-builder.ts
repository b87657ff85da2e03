// Builds 1m candles per price key from ticks (SPEC §13), in memory, with time passed in: no DB, no
// timers. Candles leave through `takeClosed` (the flush timer) and `takeAll` (shutdown), never per tick.
//
// Out of order: a tick is bucketed by its own `ts`. One older than its key's current minute is
// folded into its minute while that minute is still in memory (the current one, or a closed one
// not yet taken by a flush); once a minute has been taken the tick is dropped and counted
// (`lateDropped`). A tick stamped more than `maxAheadMs` after `now` is dropped too (`aheadDropped`):
// a bot's bad clock must not open a minute that would not close for hours.
//
// Layout (benchmarks/book-bench.ts P1.candles: candles may cost ≤ 10 % of a book tick, which is
// itself about one Map lookup): each key's open minute is one 64-byte record in a Float64Array, found
// by the key's slot from the tick fanout (shared/price-key.ts `tickKeySlots`) through a dense Int32Array,
// so an in-order tick touches two small arrays and one cache line, and hashes nothing. A minute that
// closes is copied into a growable typed-array list (no object per minute on the tick path: objects
// kept until the flush survived scavenges and cost more than the ticks themselves); candles become
// objects in `takeClosed`, once a sweep.
import { MINUTE_MS } from '../../shared/candles.ts';
import type { Candle } from './candle.ts';

export interface CandleBuilderOptions {
  /** A minute closes this long after it ends, so slightly late ticks still fold in (default 2 s). */
  graceMs?: number;
  /** Ticks stamped further ahead of `now` are dropped (default 60 s). */
  maxAheadMs?: number;
  /** Closed candles held for the flush at most; past it the oldest are dropped (a database down for long). */
  maxPending?: number;
}

/** Offsets in an open-minute record. An empty record (no open minute) has end −∞ and closeTs +∞, so no tick is hot. */
const R = { end: 0, closeTs: 1, high: 2, low: 3, close: 4, ticks: 5, open: 6, openTs: 7 } as const;
/** Doubles per record; `tick` multiplies by it as `<< 3`. */
const STRIDE = 8;
/** Closed minutes: the record's fields, then the key's ordinal and the index of its previous closed minute (−1). */
const C = { ord: 8, prev: 9 } as const;
const C_STRIDE = 10;

/** Distinct keys held at most (every Binance market is ~5,000); past it new keys are refused and counted. */
const MAX_KEYS = 200_000;

export class CandleBuilder {
  private hot = new Float64Array(64 * STRIDE);
  /** Key → ordinal (record index); kept for the builder's life, like the keys themselves. */
  private readonly ordOf = new Map<string, number>();
  private readonly keys: string[] = [];
  /** Closed minutes (a later minute has ticked) waiting for `takeClosed`, in closing order. */
  private closedBuf = new Float64Array(256 * C_STRIDE);
  private closedLen = 0;
  /** Per ordinal: its newest entry in `closedBuf`, −1 = none (entries chain back through `C.prev`). */
  private readonly lastClosed: number[] = [];
  /** Per ordinal: the end of the minute the clock took last (ticks before it are late). */
  private readonly takenEnd: number[] = [];
  /** Fanout slot → ordinal, −1 = not seen yet. */
  private slotOrd = new Int32Array(64).fill(-1);
  private readonly graceMs: number;
  private readonly maxAheadMs: number;
  private readonly maxPending: number;
  private requeued: Candle[] = [];
  lateDropped = 0;
  aheadDropped = 0;
  overflowDropped = 0;
  keysRefused = 0;

  constructor(opts: CandleBuilderOptions = {}) {
    this.graceMs = opts.graceMs ?? 2_000;
    this.maxAheadMs = opts.maxAheadMs ?? 60_000;
    this.maxPending = opts.maxPending ?? 100_000;
  }

  /**
   * `slot`: the key's slot from shared/price-key.ts `tickKeySlots` (one number per key, never
   * reused), or −1 (then the key is hashed, on the slow path).
   */
  tick(key: string, price: number, ts: number, now: number, slot = -1): void {
    // Hot path: an in-order tick of the open minute of a key already seen with this slot; the rest
    // is in `slowTick`. Written for what V8 makes of it (benchmarks P1.candles): offsets are int32
    // sums (`| 0`: no overflow check per access, measured ~4 ns a tick less than `h + 1`) of
    // literals in R's order (end 0, closeTs 1, high 2, low 3, close 4, ticks 5; `<< 3` is
    // × STRIDE), and price and ts are made doubles once (one type check each, not one per use).
    // `p - p === 0` is false for NaN and ±Infinity; the range test is false for a NaN ts and for an
    // empty record.
    const slots = this.slotOrd;
    if (slot >= 0 && slot < slots.length) {
      const h = ((slots[slot] as number) << 3) | 0;
      const hot = this.hot;
      const p = +price;
      const t = +ts;
      if (h >= 0 && t >= (hot[(h + 1) | 0] as number) && t < (hot[h] as number) && p - p === 0) {
        if (p > (hot[(h + 2) | 0] as number)) hot[(h + 2) | 0] = p;
        else if (p < (hot[(h + 3) | 0] as number)) hot[(h + 3) | 0] = p;
        hot[(h + 4) | 0] = p;
        hot[(h + 1) | 0] = t;
        hot[(h + 5) | 0]!++;
        return;
      }
    }
    this.slowTick(key, price, ts, now, slot);
  }

  /** Everything else: a key's first tick (or first with this slot), a new minute, a late or bad tick. */
  private slowTick(key: string, price: number, ts: number, now: number, slot: number): void {
    const known = slot >= 0 && slot < this.slotOrd.length ? (this.slotOrd[slot] as number) : -1;
    const ord = known >= 0 ? known : this.ordinal(key, slot);
    if (ord < 0 || !Number.isFinite(price) || !Number.isFinite(ts)) return;
    if (ts > now + this.maxAheadMs) {
      this.aheadDropped++;
      return;
    }
    // Division and floor, not `%`: a double modulo is a libm call.
    const start = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
    const h = ord * STRIDE;
    const end = this.hot[h + R.end] as number;
    if (end === -Infinity) {
      // No open minute: the key's first tick, or its last minute was taken by the clock.
      if (start + MINUTE_MS <= (this.takenEnd[ord] as number)) return void this.lateDropped++;
      return this.open(ord, start, price, ts);
    }
    const curStart = end - MINUTE_MS;
    if (start === curStart) return fold(this.hot, h, price, ts);
    if (start > curStart) {
      this.pushClosed(ord);
      return this.open(ord, start, price, ts);
    }
    const buf = this.closedBuf;
    for (let i = this.lastClosed[ord] as number; i >= 0; i = buf[i * C_STRIDE + C.prev] as number) {
      const cStart = (buf[i * C_STRIDE + R.end] as number) - MINUTE_MS;
      if (cStart === start) return fold(buf, i * C_STRIDE, price, ts);
      if (cStart < start) break;
    }
    this.lateDropped++;
  }

  /** Copies the open minute of `ord` into the closed list. */
  private pushClosed(ord: number): void {
    if ((this.closedLen + 1) * C_STRIDE > this.closedBuf.length) {
      const grown = new Float64Array(this.closedBuf.length * 2);
      grown.set(this.closedBuf);
      this.closedBuf = grown;
    }
    const i = this.closedLen++;
    const c = i * C_STRIDE;
    const buf = this.closedBuf;
    const hot = this.hot;
    // A loop, not `set(subarray)`: a subarray is a new object per closing minute.
    for (let f = 0, h = ord * STRIDE; f < STRIDE; f++) buf[c + f] = hot[h + f] as number;
    buf[c + C.ord] = ord;
    buf[c + C.prev] = this.lastClosed[ord] as number;
    this.lastClosed[ord] = i;
  }

  /** Every closed minute as candles, in closing order (oldest first per key); empties the list. */
  private drainClosed(out: Candle[]): void {
    const buf = this.closedBuf;
    for (let i = 0; i < this.closedLen; i++) {
      const ord = buf[i * C_STRIDE + C.ord] as number;
      out.push(candleAt(buf, i * C_STRIDE, this.keys[ord] as string));
      this.lastClosed[ord] = -1;
    }
    this.closedLen = 0;
  }

  /** The key's ordinal, made on first sight; remembers the slot. −1 past MAX_KEYS. */
  private ordinal(key: string, slot: number): number {
    let ord = this.ordOf.get(key);
    if (ord === undefined) {
      if (this.keys.length >= MAX_KEYS) return (this.keysRefused++, -1);
      ord = this.keys.length;
      this.ordOf.set(key, ord);
      this.keys.push(key);
      this.lastClosed.push(-1);
      this.takenEnd.push(-Infinity);
      if ((ord + 1) * STRIDE > this.hot.length) {
        const grown = new Float64Array(this.hot.length * 2);
        grown.set(this.hot);
        this.hot = grown;
      }
      this.empty(ord);
    }
    if (slot >= 0) {
      if (slot >= this.slotOrd.length) {
        const grown = new Int32Array(Math.max(slot + 1, this.slotOrd.length * 2)).fill(-1);
        grown.set(this.slotOrd);
        this.slotOrd = grown;
      }
      this.slotOrd[slot] = ord;
    }
    return ord;
  }

  private open(ord: number, start: number, price: number, ts: number): void {
    const h = ord * STRIDE;
    const hot = this.hot;
    hot[h + R.end] = start + MINUTE_MS;
    hot[h + R.open] = hot[h + R.high] = hot[h + R.low] = hot[h + R.close] = price;
    hot[h + R.openTs] = hot[h + R.closeTs] = ts;
    hot[h + R.ticks] = 1;
  }

  private empty(ord: number): void {
    const h = ord * STRIDE;
    this.hot[h + R.end] = -Infinity;
    this.hot[h + R.closeTs] = Infinity;
  }

  /** The open minute of `ord` as a candle (a copy). */
  private candleOf(ord: number): Candle {
    return candleAt(this.hot, ord * STRIDE, this.keys[ord] as string);
  }

  /**
   * Every closed candle, oldest first per key: minutes a later minute has replaced, and open
   * minutes that ended at least `graceMs` before `now` (a key that stopped ticking). Taken minutes
   * leave memory (candles handed back with `requeue` are taken by `takeRequeued`).
   */
  takeClosed(now: number): Candle[] {
    const out: Candle[] = [];
    this.drainClosed(out);
    for (let ord = 0; ord < this.keys.length; ord++) {
      const end = this.hot[ord * STRIDE + R.end] as number;
      if (end !== -Infinity && end + this.graceMs <= now) {
        out.push(this.candleOf(ord));
        this.empty(ord);
        this.takenEnd[ord] = end;
      }
    }
    return out;
  }

  /** Shutdown: every candle, the open minutes too (the store's upsert merges them with a later run's). */
  takeAll(): Candle[] {
    const out = this.requeued;
    this.requeued = [];
    this.drainClosed(out);
    for (let ord = 0; ord < this.keys.length; ord++) {
      const end = this.hot[ord * STRIDE + R.end] as number;
      if (end === -Infinity) continue;
      out.push(this.candleOf(ord));
      this.empty(ord);
      this.takenEnd[ord] = end;
    }
    return out;
  }

  /** What failed flushes handed back, oldest first. */
  takeRequeued(): Candle[] {
    const out = this.requeued;
    this.requeued = [];
    return out;
  }

  /** Candles a failed flush hands back for the next one (bounded: the oldest go first). */
  requeue(candles: readonly Candle[]): void {
    this.requeued = [...candles, ...this.requeued];
    const over = this.requeued.length - this.maxPending;
    if (over > 0) {
      this.requeued.splice(0, over);
      this.overflowDropped += over;
    }
  }

  /** What memory holds for `key` (handed back, closed but not yet taken, then the open minute), for reads. */
  inMemory(key: string): readonly Candle[] {
    const held = this.requeued.filter((c) => c.key === key);
    const ord = this.ordOf.get(key);
    if (ord === undefined) return held;
    const closed: Candle[] = [];
    const buf = this.closedBuf;
    for (let i = this.lastClosed[ord] as number; i >= 0; i = buf[i * C_STRIDE + C.prev] as number) closed.push(candleAt(buf, i * C_STRIDE, key));
    const out = [...held, ...closed.reverse()];
    if (this.hot[ord * STRIDE + R.end] !== -Infinity) out.push(this.candleOf(ord));
    return out;
  }
}

/** A tick into the record at `base` of `buf` (either layout): candle.ts `addTick` on typed arrays. */
function fold(buf: Float64Array, base: number, price: number, ts: number): void {
  if (price > (buf[base + R.high] as number)) buf[base + R.high] = price;
  if (price < (buf[base + R.low] as number)) buf[base + R.low] = price;
  if (ts >= (buf[base + R.closeTs] as number)) {
    buf[base + R.close] = price;
    buf[base + R.closeTs] = ts;
  }
  if (ts < (buf[base + R.openTs] as number)) {
    buf[base + R.open] = price;
    buf[base + R.openTs] = ts;
  }
  buf[base + R.ticks]!++;
}

function candleAt(buf: Float64Array, base: number, key: string): Candle {
  return {
    key,
    start: (buf[base + R.end] as number) - MINUTE_MS,
    open: buf[base + R.open] as number,
    high: buf[base + R.high] as number,
    low: buf[base + R.low] as number,
    close: buf[base + R.close] as number,
    ticks: buf[base + R.ticks] as number,
    openTs: buf[base + R.openTs] as number,
    closeTs: buf[base + R.closeTs] as number,
  };
}
