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

/** A ledger row as the stop's history needs it. */
interface StopEvent {
  kind: string;
  at: string;
  event: unknown;
}

/**
 * The stop in force over the trade's life, as steps (epoch seconds, strictly increasing): the
 * signal's stop at entry, then the stop each fill or update left (their ledger rows carry it), then
 * the stop now in force until the end (a trailing stop moves between rows; its last level is the
 * trade's `stop_loss`). Rows in the same second keep the last.
 */
export function stopSteps(
  t: { entry_time: string; initial_stop_loss: number; stop_loss: number },
  ledger: readonly StopEvent[],
  endMs: number,
): { time: number; value: number }[] {
  const points: { time: number; value: number }[] = [];
  const push = (ms: number, value: number) => {
    const time = Math.floor(ms / 1000);
    const last = points.at(-1);
    if (last && time <= last.time) last.value = value;
    else points.push({ time, value });
  };
  push(Date.parse(t.entry_time), t.initial_stop_loss);
  for (const r of ledger) {
    if (r.kind !== 'trade_leg' && r.kind !== 'signal_updated') continue;
    const stop = (r.event as { stop_loss?: unknown }).stop_loss;
    if (typeof stop === 'number') push(Date.parse(r.at), stop);
  }
  push(Math.max(endMs, Date.parse(t.entry_time) + 1000), t.stop_loss);
  return points;
}
