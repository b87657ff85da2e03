// Which candles the trade page asks for: the interval and window around entry → exit (or now),
// padded by a fifth of the trade's life each side, at most ~600 candles (the answer holds 1,000).
import { CANDLE_INTERVALS, INTERVAL_MS, type CandleInterval } from '../../../shared/candles.ts';

const MAX_BARS = 600;
const MIN_PAD_BARS = 10;

export function tradeWindow(entryMs: number, endMs: number): { interval: CandleInterval; from: number; to: number } {
  const life = Math.max(endMs - entryMs, 0);
  for (const interval of CANDLE_INTERVALS) {
    const step = INTERVAL_MS[interval];
    const pad = Math.max(life / 5, MIN_PAD_BARS * step);
    if ((life + 2 * pad) / step <= MAX_BARS || interval === '1d') return { interval, from: Math.floor(entryMs - pad), to: Math.ceil(endMs + pad) };
  }
  throw new Error('unreachable');
}
