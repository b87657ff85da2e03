// The plain trade record every metric is computed from, buildable from DB rows, the book or TradeJson.
import type { TradeStatus } from '../constants.ts';
import { isClosedStatus } from '../constants.ts';
import type { TradeJson } from '../protocol-types.ts';

/**
 * Kept apart from TradeJson because it earns it: performance reads every trade of a scope through a
 * ten-column SELECT, and epoch-ms times keep the sort and bucketing numeric. Fields are TradeJson's.
 */
export type MetricTrade = Pick<TradeJson, 'id' | 'symbol' | 'direction' | 'timeframe' | 'market_type' | 'status' | 'profit_loss' | 'fees'> & {
  /** The trade's bot, where the reader needs it (the `bot` filter). */
  bot?: string | null;
  /** Epoch milliseconds. */
  entry_time: number;
  /** Epoch milliseconds; null while the trade is not closed. */
  exit_time: number | null;
  /** SPEC §12 `|entry − initial stop| × quantity + fees`; absent or null where a reader does not load it. */
  initial_risk?: number | null;
};

/** OPEN and PENDING both count as open (SPEC §3). */
export function isOpenStatus(status: TradeStatus): boolean {
  return status === 'OPEN' || status === 'PENDING';
}

export function isClosedTrade(t: MetricTrade): boolean {
  return isClosedStatus(t.status);
}

/** A closed trade without an exit_time (should not happen) is placed at its entry_time. */
export function exitTimeOf(t: Pick<MetricTrade, 'entry_time' | 'exit_time'>): number {
  return t.exit_time ?? t.entry_time;
}

/** Canonical close order: exit_time, then id, so ties (same ms) are decided the same way everywhere. */
export function compareByExit(a: MetricTrade, b: MetricTrade): number {
  return exitTimeOf(a) - exitTimeOf(b) || a.id - b.id;
}

/** Closed trades in canonical close order (a new array; the input is not reordered). */
export function closedInExitOrder(trades: readonly MetricTrade[]): MetricTrade[] {
  return trades.filter(isClosedTrade).sort(compareByExit);
}

/** The page and widget hold TradeJson (ISO times): map it to the metric record. */
export function metricTradeFromJson(t: TradeJson): MetricTrade {
  return {
    id: t.id,
    symbol: t.symbol,
    bot: t.bot,
    direction: t.direction,
    timeframe: t.timeframe,
    market_type: t.market_type,
    status: t.status,
    entry_time: Date.parse(t.entry_time),
    exit_time: t.exit_time === null ? null : Date.parse(t.exit_time),
    profit_loss: t.profit_loss,
    fees: t.fees,
  };
}
