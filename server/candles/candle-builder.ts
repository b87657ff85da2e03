// Builds 1m candles per price key from ticks (SPEC §13), in memory, with time passed in: no DB, no
// timers. The tick path is one Map lookup and a few compares; candles leave through `takeClosed`
// (the flush timer) and `takeAll` (shutdown), never per tick.
//
// Out of order: a tick is bucketed by its own `ts`. One older than its key's current minute is
// folded into its minute while that minute is still in memory (the current one, or a closed one
// not yet taken by a flush); once a minute has been taken the tick is dropped and counted
// (`lateDropped`). A tick stamped more than `maxAheadMs` after `now` is dropped too (`aheadDropped`):
// a bot's bad clock must not open a minute that would not close for hours.
import { MINUTE_MS } from '../../shared/candles.ts';
import { addTick, newCandle, type Candle } from './candle.ts';

export interface CandleBuilderOptions {
  /** A minute closes this long after it ends, so slightly late ticks still fold in (default 2 s). */
  graceMs?: number;
  /** Ticks stamped further ahead of `now` are dropped (default 60 s). */
  maxAheadMs?: number;
  /** Closed candles held for the flush at most; past it the oldest are dropped (a database down for long). */
  maxPending?: number;
}

const TAKEN_LIMIT = 50_000;

interface KeyCandles {
  current: Candle;
  /** `current.start + MINUTE_MS`, kept so the hot path is two compares. */
  end: number;
  /** Closed (a later minute has ticked), waiting for `takeClosed`; oldest first, few. */
  closed: Candle[];
}

export class CandleBuilder {
  private readonly byKey = new Map<string, KeyCandles>();
  private readonly graceMs: number;
  private readonly maxAheadMs: number;
  private readonly maxPending: number;
  private requeued: Candle[] = [];
  /** Keys whose current minute `takeClosed` took by the clock: the end of that minute (later ticks before it are late). */
  private readonly takenThrough = new Map<string, number>();
  lateDropped = 0;
  aheadDropped = 0;
  overflowDropped = 0;

  constructor(opts: CandleBuilderOptions = {}) {
    this.graceMs = opts.graceMs ?? 2_000;
    this.maxAheadMs = opts.maxAheadMs ?? 60_000;
    this.maxPending = opts.maxPending ?? 100_000;
  }

  tick(key: string, price: number, ts: number, now: number): void {
    // Hot path (benchmarks/book-bench.ts P1.candles): an in-order tick of the key's current minute.
    // No `%` here: a ms timestamp is a double, and a double modulo costs more than the rest together.
    // `price - price === 0` is false for NaN and ±Infinity; the range test is false for a NaN ts.
    const k = this.byKey.get(key);
    if (k !== undefined && ts >= k.current.closeTs && ts < k.end && price - price === 0) {
      const c = k.current;
      if (price > c.high) c.high = price;
      else if (price < c.low) c.low = price;
      c.close = price;
      c.closeTs = ts;
      c.ticks++;
      return;
    }
    this.slowTick(k, key, price, ts, now);
  }

  /** Everything else: a key's first tick, a new minute, a late or bad tick. */
  private slowTick(k: KeyCandles | undefined, key: string, price: number, ts: number, now: number): void {
    if (!Number.isFinite(price) || !Number.isFinite(ts)) return;
    if (ts > now + this.maxAheadMs) {
      this.aheadDropped++;
      return;
    }
    const start = ts - (ts % MINUTE_MS);
    if (!k) {
      // Cold path: a key whose last minute a flush took by the clock (it had stopped ticking).
      const taken = this.takenThrough.get(key);
      if (taken !== undefined && start < taken) {
        this.lateDropped++;
        return;
      }
      this.byKey.set(key, { current: newCandle(key, start, price, ts), end: start + MINUTE_MS, closed: [] });
      return;
    }
    const cur = k.current;
    if (start === cur.start) return addTick(cur, price, ts);
    if (start > cur.start) {
      k.closed.push(cur);
      k.current = newCandle(key, start, price, ts);
      k.end = start + MINUTE_MS;
      return;
    }
    for (let i = k.closed.length - 1; i >= 0; i--) {
      const c = k.closed[i]!;
      if (c.start === start) return addTick(c, price, ts);
      if (c.start < start) break;
    }
    this.lateDropped++;
  }

  /**
   * Every closed candle, oldest first per key: minutes a later minute has replaced, and current
   * minutes that ended at least `graceMs` before `now` (a key that stopped ticking). Taken minutes
   * leave memory (candles handed back with `requeue` are taken by `takeRequeued`).
   */
  takeClosed(now: number): Candle[] {
    const out: Candle[] = [];
    // Bounded like shared/price-key.ts's cache: a feed of ever-new keys only forgets old ones.
    if (this.takenThrough.size > TAKEN_LIMIT) this.takenThrough.clear();
    for (const [key, k] of this.byKey) {
      for (const c of k.closed) out.push(c);
      k.closed = [];
      const end = k.current.start + MINUTE_MS;
      if (end + this.graceMs <= now) {
        out.push(k.current);
        this.byKey.delete(key);
        this.takenThrough.set(key, end);
      }
    }
    return out;
  }

  /** Shutdown: every candle, the open minutes too (the store's upsert merges them with a later run's). */
  takeAll(): Candle[] {
    const out = this.requeued;
    this.requeued = [];
    for (const k of this.byKey.values()) out.push(...k.closed, k.current);
    this.byKey.clear();
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

  /** What memory holds for `key` (closed but not yet taken, then the current minute), for reads. */
  inMemory(key: string): readonly Candle[] {
    const k = this.byKey.get(key);
    const held = this.requeued.filter((c) => c.key === key);
    return k ? [...held, ...k.closed, k.current] : held;
  }
}
