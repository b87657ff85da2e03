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

/** Points `performance/` sends when the query does not say (`equity_points`, docs/protocol.md). */
export const DEFAULT_EQUITY_POINTS = 2000;
/** The smallest bound asked: first and last point, one bucket's min and max, the largest drawdown's peak and trough. */
export const MIN_EQUITY_POINTS = 8;
export const MAX_EQUITY_POINTS = 100_000;

/**
 * At most `maxPoints` of `points` (a subset, in order, each point unchanged), or all of them when
 * they fit or `maxPoints` is 'all'. The points are cut into buckets of consecutive points (the
 * chart spaces points evenly, whatever the time between them) and each bucket keeps its first,
 * last, lowest and highest point (M4); the peak and the trough of the largest peak-to-trough fall
 * are kept too. So the bounded curve has the same first and last point, the same minimum and
 * maximum, and the same largest drawdown as the full one.
 */
export function boundEquityCurve(points: readonly EquityPointJson[], maxPoints: number | 'all'): EquityPointJson[] {
  const n = points.length;
  if (maxPoints === 'all' || n <= maxPoints) return [...points];
  const keep = new Uint8Array(n);
  // The largest fall: peak before trough, over the points themselves.
  let peak = 0;
  let bestPeak = 0;
  let bestTrough = 0;
  let bestFall = 0;
  for (let i = 1; i < n; i++) {
    if (points[i]!.value > points[peak]!.value) peak = i;
    const fall = points[peak]!.value - points[i]!.value;
    if (fall > bestFall) {
      bestFall = fall;
      bestPeak = peak;
      bestTrough = i;
    }
  }
  keep[bestPeak] = 1;
  keep[bestTrough] = 1;
  // Two kept for the drawdown, four per bucket: never more than maxPoints.
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 4));
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (points[i]!.value < points[lo]!.value) lo = i;
      if (points[i]!.value > points[hi]!.value) hi = i;
    }
    keep[start] = keep[end - 1] = keep[lo] = keep[hi] = 1;
  }
  const out: EquityPointJson[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[i]!);
  return out;
}
