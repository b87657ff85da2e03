// Every metric of SPEC §3 from a list of (system) trades, in one pass over the closes in exit order.
import type { SummaryJson } from '../protocol-types.ts';
import { roundMoney, roundTo } from '../trade-math.ts';
import type { BreakdownJson } from './breakdowns.ts';
import { computeBreakdowns } from './breakdowns.ts';
import { applyClose, expectancy, initialEquity, mean, profitFactor, winRate } from './definitions.ts';
import type { EquityPointJson } from './equity-curve.ts';
import { equityCurve } from './equity-curve.ts';
import type { MetricTrade } from './metric-trade.ts';
import { closedInExitOrder, exitTimeOf, isClosedTrade, isOpenStatus } from './metric-trade.ts';

const MS_PER_HOUR = 3_600_000;

/** The `/performance/` body: the socket summary's fields plus the rest of SPEC §3. */
export interface PerformanceJson extends SummaryJson {
  /** Best and worst single closed-trade P/L; null when nothing is closed. */
  best_trade: number | null;
  worst_trade: number | null;
  /** Mean P/L of winners (positive) and of losers (negative); null when there are none. */
  avg_win: number | null;
  avg_loss: number | null;
  expectancy: number;
  /** Mean entry→exit time of closed trades in hours (4 decimals); null when nothing is closed. */
  avg_duration_hours: number | null;
  by_symbol: Record<string, BreakdownJson>;
  by_direction: Record<string, BreakdownJson>;
  by_timeframe: Record<string, BreakdownJson>;
  equity_curve: EquityPointJson[];
}

export interface PerformanceOptions {
  /** Live unrealised P/L over the open trades, computed by the caller from current prices. */
  unrealizedProfitLoss: number;
  /** `closedInExitOrder(trades)` when the caller has it already (it needs it too: one sort, not two). */
  closedInExitOrder?: readonly MetricTrade[];
}

/**
 * Closed trades are summed in canonical close order (exit_time, then id), the order the
 * `SummaryAccumulator` receives them, so both give identical numbers. A closed trade with a
 * null P/L counts as breakeven; null fees count as 0. CANCELLED trades count in total_trades only.
 */
export function computePerformance(trades: readonly MetricTrade[], opts: PerformanceOptions): PerformanceJson {
  const closed = opts.closedInExitOrder ?? closedInExitOrder(trades);
  const equity = initialEquity();
  let profitable = 0;
  let losing = 0;
  let sumWins = 0;
  let sumLosses = 0;
  let totalFees = 0;
  let totalDurationMs = 0;
  let best: number | null = null;
  let worst: number | null = null;

  for (const t of closed) {
    const pl = t.profit_loss ?? 0;
    applyClose(equity, pl);
    totalFees += t.fees ?? 0;
    totalDurationMs += exitTimeOf(t) - t.entry_time;
    if (pl > 0) {
      profitable += 1;
      sumWins += pl;
    } else if (pl < 0) {
      losing += 1;
      sumLosses += pl;
    }
    if (best === null || pl > best) best = pl;
    if (worst === null || pl < worst) worst = pl;
  }

  const n = closed.length;
  return {
    total_trades: trades.length,
    open_trades: trades.filter((t) => isOpenStatus(t.status)).length,
    closed_trades: n,
    profitable_trades: profitable,
    losing_trades: losing,
    breakeven_trades: n - profitable - losing,
    win_rate: winRate(profitable, n),
    total_profit_loss: roundMoney(equity.cumulative),
    avg_profit_loss: roundMoney(mean(equity.cumulative, n)),
    unrealized_profit_loss: roundMoney(opts.unrealizedProfitLoss),
    profit_factor: profitFactor(sumWins, sumLosses, losing),
    max_drawdown: roundMoney(equity.maxDrawdown),
    total_fees: roundMoney(totalFees),
    best_trade: best === null ? null : roundMoney(best),
    worst_trade: worst === null ? null : roundMoney(worst),
    avg_win: profitable === 0 ? null : roundMoney(sumWins / profitable),
    avg_loss: losing === 0 ? null : roundMoney(sumLosses / losing),
    expectancy: expectancy(profitable, losing, n, sumWins, sumLosses),
    avg_duration_hours: n === 0 ? null : roundTo(totalDurationMs / n / MS_PER_HOUR, 4),
    ...computeBreakdowns([...closed, ...trades.filter((t) => !isClosedTrade(t))]),
    equity_curve: equityCurve(closed),
  };
}
