// The metric formulas of SPEC §3, written once; the batch computation and the incremental
// accumulator both call these so they agree to the last bit.
import { roundMoney, roundPct } from '../trade-math.ts';

/** profitable / closed × 100, 0 when nothing is closed. Rounded as a percentage. */
export function winRate(profitable: number, closed: number): number {
  return closed === 0 ? 0 : roundPct((profitable / closed) * 100);
}

/** sum / count, 0 when count is 0. Unrounded: callers round once at the edge. */
export function mean(sum: number, count: number): number {
  return count === 0 ? 0 : sum / count;
}

/** Σwins / |Σlosses|; null when there are no losses. A ratio: 4 decimals, like percentages. */
export function profitFactor(sumWins: number, sumLosses: number, losing: number): number | null {
  if (losing === 0 || sumLosses === 0) return null;
  return roundPct(sumWins / Math.abs(sumLosses));
}

/**
 * (profitable/closed)×avg_win − (losing/closed)×|avg_loss|, 0 when nothing is closed.
 * (Algebraically this equals the mean P/L per closed trade; kept in the spec's form.)
 */
export function expectancy(profitable: number, losing: number, closed: number, sumWins: number, sumLosses: number): number {
  if (closed === 0) return 0;
  const avgWin = mean(sumWins, profitable);
  const avgLoss = mean(sumLosses, losing);
  return roundMoney((profitable / closed) * avgWin - (losing / closed) * Math.abs(avgLoss));
}

/**
 * Running state of cumulative realised P/L. Peak starts at 0 (the account starts flat), so a
 * first losing trade is already a drawdown. Drawdown is reported as a positive number.
 */
export interface EquityState {
  cumulative: number;
  peak: number;
  maxDrawdown: number;
}

export function initialEquity(): EquityState {
  return { cumulative: 0, peak: 0, maxDrawdown: 0 };
}

/** Apply one close (in exit order) to the equity state, in place. */
export function applyClose(state: EquityState, profitLoss: number): void {
  state.cumulative += profitLoss;
  if (state.cumulative > state.peak) state.peak = state.cumulative;
  const fall = state.peak - state.cumulative;
  if (fall > state.maxDrawdown) state.maxDrawdown = fall;
}
