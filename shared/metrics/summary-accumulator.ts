// The socket summary (SummaryJson) kept up to date in O(1) per trade event, for the live book.
import type { SummaryJson } from '../protocol-types.ts';
import { roundMoney } from '../trade-math.ts';
import { applyClose, initialEquity, mean, profitFactor, winRate } from './definitions.ts';
import type { MetricTrade } from './metric-trade.ts';
import { exitTimeOf, isClosedTrade } from './metric-trade.ts';

/** The summary's figures (SPEC §4), in its order: a subset of `performance/`'s. */
export const SUMMARY_KEYS = [
  'total_trades',
  'open_trades',
  'closed_trades',
  'profitable_trades',
  'losing_trades',
  'breakeven_trades',
  'win_rate',
  'total_profit_loss',
  'avg_profit_loss',
  'unrealized_profit_loss',
  'profit_factor',
  'max_drawdown',
  'total_fees',
] as const satisfies readonly (keyof SummaryJson)[];

/** A closed trade as the summary needs it: exit time (epoch ms; entry time if none was stored) and P/L. */
export interface ClosedPl {
  id: number;
  exit_time: number;
  profit_loss: number | null;
  fees: number | null;
}

/**
 * Stored trades reduced to what the summary needs: open trades only count, so a start-up with a
 * million open trades reads two counts and the closed trades, not a million records.
 */
export interface TradeTotals {
  /** Every trade (open, pending, closed, cancelled). */
  total: number;
  cancelled: number;
  /** Every closed trade (any CLOSED_*), in any order. */
  closed: ClosedPl[];
}

/** Canonical close order (exit_time, then id): a new array. */
export function closedPlInExitOrder(closed: readonly ClosedPl[]): ClosedPl[] {
  return closed.slice().sort((a, b) => a.exit_time - b.exit_time || a.id - b.id);
}

/** The totals of a list of trades (the user stream and tests build the summary from records). */
export function totalsOf(trades: readonly MetricTrade[]): TradeTotals {
  const closed: ClosedPl[] = [];
  let cancelled = 0;
  for (const t of trades) {
    if (t.status === 'CANCELLED') cancelled++;
    else if (isClosedTrade(t)) closed.push({ id: t.id, exit_time: exitTimeOf(t), profit_loss: t.profit_loss, fees: t.fees });
  }
  return { total: trades.length, cancelled, closed };
}

/**
 * Event contract: `opened()` once when a trade enters the book (OPEN or PENDING); later at most
 * one of `closed()` or `cancelled()` for it. Closes must arrive in exit-time order (ties in the
 * order the book closed them); drawdown is tracked in arrival order. Sums use the same formulas
 * and order as `computePerformance`, so both report identical numbers.
 */
export class SummaryAccumulator {
  private total = 0;
  private open = 0;
  private closedCount = 0;
  private profitable = 0;
  private losing = 0;
  private sumWins = 0;
  private sumLosses = 0;
  private fees = 0;
  private lastExit = Number.NEGATIVE_INFINITY;
  private readonly equity = initialEquity();

  /** Rebuild from stored trades (e.g. on start-up), replaying closes in canonical exit order. */
  static fromTrades(trades: readonly MetricTrade[]): SummaryAccumulator {
    return SummaryAccumulator.fromTotals(totalsOf(trades));
  }

  /** The same from totals; `closedInOrder` skips the sort when the caller already has canonical order. */
  static fromTotals(t: TradeTotals, closedInOrder: readonly ClosedPl[] = closedPlInExitOrder(t.closed)): SummaryAccumulator {
    const acc = new SummaryAccumulator();
    acc.total = t.total;
    acc.open = t.total;
    for (let i = 0; i < t.cancelled; i++) acc.cancelled();
    for (const c of closedInOrder) acc.closed(c.profit_loss, c.fees, c.exit_time);
    return acc;
  }

  /** A trade entered the book as OPEN or PENDING. */
  opened(): void {
    this.total += 1;
    this.open += 1;
  }

  /** An open trade closed (any CLOSED_*). `exitTime` in epoch ms. */
  closed(profitLoss: number | null, fees: number | null, exitTime: number): void {
    this.leaveOpen('closed');
    const pl = profitLoss ?? 0;
    this.closedCount += 1;
    this.fees += fees ?? 0;
    if (pl > 0) {
      this.profitable += 1;
      this.sumWins += pl;
    } else if (pl < 0) {
      this.losing += 1;
      this.sumLosses += pl;
    }
    applyClose(this.equity, pl);
    if (exitTime > this.lastExit) this.lastExit = exitTime;
  }

  /**
   * A close arrived out of exit-time order (ticks of different symbols carry their own clocks):
   * recompute the equity path (total P/L, peak, drawdown) from every closed P/L in canonical order.
   */
  replayEquity(profitLossesInExitOrder: readonly number[]): void {
    const fresh = initialEquity();
    for (const pl of profitLossesInExitOrder) applyClose(fresh, pl);
    Object.assign(this.equity, fresh);
  }

  /** An open or pending trade was cancelled: it stays in total_trades only. */
  cancelled(): void {
    this.leaveOpen('cancelled');
  }

  /** Latest exit time seen (epoch ms), or null before the first close. */
  get lastExitTime(): number | null {
    return this.closedCount === 0 ? null : this.lastExit;
  }

  summary(unrealizedProfitLoss: number): SummaryJson {
    const n = this.closedCount;
    const totalPl = this.equity.cumulative;
    return {
      total_trades: this.total,
      open_trades: this.open,
      closed_trades: n,
      profitable_trades: this.profitable,
      losing_trades: this.losing,
      breakeven_trades: n - this.profitable - this.losing,
      win_rate: winRate(this.profitable, n),
      total_profit_loss: roundMoney(totalPl),
      avg_profit_loss: roundMoney(mean(totalPl, n)),
      unrealized_profit_loss: roundMoney(unrealizedProfitLoss),
      profit_factor: profitFactor(this.sumWins, this.sumLosses, this.losing),
      max_drawdown: roundMoney(this.equity.maxDrawdown),
      total_fees: roundMoney(this.fees),
    };
  }

  private leaveOpen(event: string): void {
    // A close or cancel without a matching open is a bookkeeping bug upstream: fail loudly.
    if (this.open === 0) throw new RangeError(`SummaryAccumulator.${event}() with no open trade`);
    this.open -= 1;
  }
}
