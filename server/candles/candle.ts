// One candle as the builder and the store hold it: the wire fields plus when its first and last
// ticks were stamped, so two partial candles of one interval merge the same in any order (a
// restart mid-minute, a retried flush): open of the earlier first tick, close of the later last tick.
import type { CandleJson } from '../../shared/candles.ts';

export interface Candle extends CandleJson {
  /** Price key (shared/price-key.ts). */
  key: string;
  openTs: number;
  closeTs: number;
}

export function newCandle(key: string, start: number, price: number, ts: number): Candle {
  return { key, start, open: price, high: price, low: price, close: price, ticks: 1, openTs: ts, closeTs: ts };
}

/** Folds one tick into `c` (same key and interval). */
export function addTick(c: Candle, price: number, ts: number): void {
  if (price > c.high) c.high = price;
  if (price < c.low) c.low = price;
  // Ties keep arrival order: a later arrival with the same stamp is the newer price.
  if (ts >= c.closeTs) {
    c.close = price;
    c.closeTs = ts;
  }
  if (ts < c.openTs) {
    c.open = price;
    c.openTs = ts;
  }
  c.ticks++;
}

/** `a` and `b` of one interval as one candle (the upsert in candle-store.ts does the same in SQL). */
export function mergeCandles(a: Candle, b: Candle): Candle {
  const first = b.openTs < a.openTs ? b : a;
  const last = b.closeTs >= a.closeTs ? b : a;
  return {
    key: a.key,
    start: a.start,
    open: first.open,
    openTs: first.openTs,
    high: Math.max(a.high, b.high),
    low: Math.min(a.low, b.low),
    close: last.close,
    closeTs: last.closeTs,
    ticks: a.ticks + b.ticks,
  };
}

export function candleJson(c: Candle): CandleJson {
  return { start: c.start, open: c.open, high: c.high, low: c.low, close: c.close, ticks: c.ticks };
}
