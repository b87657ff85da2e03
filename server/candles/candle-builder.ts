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
// so an in-order tick touches two small arrays and one cache line, and hashes nothing.
import { MINUTE_MS } from '../../shared/candles.ts';
import { addTick, type Candle } from './candle.ts';

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
const STRIDE = 8;

/** Distinct keys held at most (every Binance market is ~5,000); past it new keys are refused and counted. */
const MAX_KEYS = 200_000;

export class CandleBuilder {
  private hot = new Float64Array(64 * STRIDE);
  /** Key → ordinal (record index); kept for the builder's life, like the keys themselves. */
  private readonly ordOf = new Map<string, number>();
  private readonly keys: string[] = [];
  /** Per ordinal: closed minutes (a later minute has ticked) waiting for `takeClosed`, oldest first. */
  private readonly closed: Candle[][] = [];
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
   * reused), or −1 (then the key is hashed).
   */
  tick(key: string, price: number, ts: number, now: number, slot = -1): void {
    const ord = slot >= 0 ? (slot < this.slotOrd.length ? (this.slotOrd[slot] as number) : -1) : (this.ordOf.get(key) ?? -1);
    // Hot path: an in-order tick of the key's open minute. No `%` (a ms timestamp is a double and a
    // double modulo is a libm call); `price - price === 0` is false for NaN and ±Infinity; the
    // range test is false for a NaN ts and for an empty record.
    if (ord >= 0) {
      const hot = this.hot;
      const h = ord * STRIDE;
      if (ts >= (hot[h + R.closeTs] as number) && ts < (hot[h + R.end] as number) && price - price === 0) {
        if (price > (hot[h + R.high] as number)) hot[h + R.high] = price;
        else if (price < (hot[h + R.low] as number)) hot[h + R.low] = price;
        hot[h + R.close] = price;
        hot[h + R.closeTs] = ts;
        hot[h + R.ticks]!++;
        return;
      }
    }
    this.slowTick(ord >= 0 ? ord : this.ordinal(key, slot), price, ts, now);
  }

  /** Everything else: a key's first tick, a new minute, a late or bad tick. */
  private slowTick(ord: number, price: number, ts: number, now: number): void {
    if (ord < 0 || !Number.isFinite(price) || !Number.isFinite(ts)) return;
    if (ts > now + this.maxAheadMs) {
      this.aheadDropped++;
      return;
    }
    const start = ts - (ts % MINUTE_MS);
    const h = ord * STRIDE;
    const end = this.hot[h + R.end] as number;
    if (end === -Infinity) {
      // No open minute: the key's first tick, or its last minute was taken by the clock.
      if (start + MINUTE_MS <= (this.takenEnd[ord] as number)) return void this.lateDropped++;
      return this.open(ord, start, price, ts);
    }
    const curStart = end - MINUTE_MS;
    if (start === curStart) return this.foldIntoRecord(h, price, ts);
    if (start > curStart) {
      (this.closed[ord] as Candle[]).push(this.candleOf(ord));
      return this.open(ord, start, price, ts);
    }
    const closed = this.closed[ord] as Candle[];
    for (let i = closed.length - 1; i >= 0; i--) {
      const c = closed[i]!;
      if (c.start === start) return addTick(c, price, ts);
      if (c.start < start) break;
    }
    this.lateDropped++;
  }

  /** The key's ordinal, made on first sight; remembers the slot. −1 past MAX_KEYS. */
  private ordinal(key: string, slot: number): number {
    let ord = this.ordOf.get(key);
    if (ord === undefined) {
      if (this.keys.length >= MAX_KEYS) return (this.keysRefused++, -1);
      ord = this.keys.length;
      this.ordOf.set(key, ord);
      this.keys.push(key);
      this.closed.push([]);
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

  /** A late tick of the open minute (older than its last tick): candle.ts `addTick` on the record. */
  private foldIntoRecord(h: number, price: number, ts: number): void {
    const hot = this.hot;
    if (price > (hot[h + R.high] as number)) hot[h + R.high] = price;
    if (price < (hot[h + R.low] as number)) hot[h + R.low] = price;
    if (ts >= (hot[h + R.closeTs] as number)) {
      hot[h + R.close] = price;
      hot[h + R.closeTs] = ts;
    }
    if (ts < (hot[h + R.openTs] as number)) {
      hot[h + R.open] = price;
      hot[h + R.openTs] = ts;
    }
    hot[h + R.ticks]!++;
  }

  /** The open minute of `ord` as a candle (a copy). */
  private candleOf(ord: number): Candle {
    const hot = this.hot;
    const h = ord * STRIDE;
    return {
      key: this.keys[ord] as string,
      start: (hot[h + R.end] as number) - MINUTE_MS,
      open: hot[h + R.open] as number,
      high: hot[h + R.high] as number,
      low: hot[h + R.low] as number,
      close: hot[h + R.close] as number,
      ticks: hot[h + R.ticks] as number,
      openTs: hot[h + R.openTs] as number,
      closeTs: hot[h + R.closeTs] as number,
    };
  }

  /**
   * Every closed candle, oldest first per key: minutes a later minute has replaced, and open
   * minutes that ended at least `graceMs` before `now` (a key that stopped ticking). Taken minutes
   * leave memory (candles handed back with `requeue` are taken by `takeRequeued`).
   */
  takeClosed(now: number): Candle[] {
    const out: Candle[] = [];
    for (let ord = 0; ord < this.keys.length; ord++) {
      const closed = this.closed[ord] as Candle[];
      if (closed.length > 0) {
        for (const c of closed) out.push(c);
        this.closed[ord] = [];
      }
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
    for (let ord = 0; ord < this.keys.length; ord++) {
      out.push(...(this.closed[ord] as Candle[]));
      this.closed[ord] = [];
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
    const out = [...held, ...(this.closed[ord] as Candle[])];
    if (this.hot[ord * STRIDE + R.end] !== -Infinity) out.push(this.candleOf(ord));
    return out;
  }
}
