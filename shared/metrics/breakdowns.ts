// Per-symbol, per-direction and per-timeframe slices of the track record (SPEC §3 breakdowns).
import { DIRECTIONS, TIMEFRAMES } from '../constants.ts';
import { roundMoney } from '../trade-math.ts';
import { winRate } from './definitions.ts';
import type { MetricTrade } from './metric-trade.ts';
import { isClosedTrade } from './metric-trade.ts';

export interface BreakdownJson {
  total_trades: number;
  closed_trades: number;
  profitable_trades: number;
  losing_trades: number;
  win_rate: number;
  total_profit_loss: number;
}

export interface Breakdowns {
  by_symbol: Record<string, BreakdownJson>;
  by_direction: Record<string, BreakdownJson>;
  by_timeframe: Record<string, BreakdownJson>;
}

interface Tally {
  total: number;
  closed: number;
  profitable: number;
  losing: number;
  sum: number;
}

function tally(tallies: Map<string, Tally>, k: string, closed: boolean, pl: number): void {
  let t = tallies.get(k);
  if (!t) {
    t = { total: 0, closed: 0, profitable: 0, losing: 0, sum: 0 };
    tallies.set(k, t);
  }
  t.total += 1;
  if (!closed) return;
  t.closed += 1;
  t.sum += pl;
  if (pl > 0) t.profitable += 1;
  else if (pl < 0) t.losing += 1;
}

/** Keys appear only when they have trades, in `order` (then alphabetically for unknown keys). */
function toJson(tallies: Map<string, Tally>, order: readonly string[] = []): Record<string, BreakdownJson> {
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i === -1 ? order.length : i;
  };
  const keys = [...tallies.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, BreakdownJson> = {};
  for (const k of keys) {
    const t = tallies.get(k)!;
    out[k] = {
      total_trades: t.total,
      closed_trades: t.closed,
      profitable_trades: t.profitable,
      losing_trades: t.losing,
      win_rate: winRate(t.profitable, t.closed),
      total_profit_loss: roundMoney(t.sum),
    };
  }
  return out;
}

/**
 * Trades are expected in canonical close order (see `compareByExit`) so each slice's P/L sum is
 * added in the same order as the totals. CANCELLED and open trades count in total_trades only.
 */
export function computeBreakdowns(trades: readonly MetricTrade[]): Breakdowns {
  // One pass for the three slices: three passes were the largest frame of performance/'s recompute (benchmarks P9).
  const bySymbol = new Map<string, Tally>();
  const byDirection = new Map<string, Tally>();
  const byTimeframe = new Map<string, Tally>();
  for (const t of trades) {
    const closed = isClosedTrade(t);
    const pl = closed ? (t.profit_loss ?? 0) : 0;
    tally(bySymbol, t.symbol, closed, pl);
    tally(byDirection, t.direction, closed, pl);
    tally(byTimeframe, t.timeframe, closed, pl);
  }
  return {
    by_symbol: toJson(bySymbol),
    by_direction: toJson(byDirection, DIRECTIONS),
    by_timeframe: toJson(byTimeframe, TIMEFRAMES),
  };
}
