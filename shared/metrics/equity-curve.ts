// Cumulative realised P/L over time, shaped for lightweight-charts (UTCTimestamp seconds).
import { roundMoney } from '../trade-math.ts';
import type { MetricTrade } from './metric-trade.ts';
import { exitTimeOf } from './metric-trade.ts';

export interface EquityPointJson {
  /** Epoch seconds (lightweight-charts `UTCTimestamp`). */
  time: number;
  /** Cumulative realised P/L in USDT after the closes up to and including `time`. */
  value: number;
}

/**
 * `closed` must be in canonical close order. lightweight-charts' setData needs strictly
 * increasing times, so closes within the same second collapse into one point holding the
 * value after the last of them (drawdown is still computed close by close elsewhere).
 */
export function equityCurve(closed: readonly MetricTrade[]): EquityPointJson[] {
  const points: EquityPointJson[] = [];
  let cumulative = 0;
  for (const t of closed) {
    cumulative += t.profit_loss ?? 0;
    const time = Math.floor(exitTimeOf(t) / 1000);
    const value = roundMoney(cumulative);
    const last = points[points.length - 1];
    if (last && last.time === time) last.value = value;
    else points.push({ time, value });
  }
  return points;
}
