// Public surface of the metric definitions (SPEC §3), used by REST, the socket summary and the page.
export type { MetricTrade } from './metric-trade.ts';
export { metricTradeFromJson, isOpenStatus, compareByExit } from './metric-trade.ts';
export type { PerformanceJson, PerformanceOptions } from './performance.ts';
export { computePerformance } from './performance.ts';
export type { BreakdownJson, Breakdowns } from './breakdowns.ts';
export type { EquityPointJson } from './equity-curve.ts';
export type { PerformanceFilters, PerformanceQuery } from './filters.ts';
export { filterTrades, isUnfiltered, PERFORMANCE_QUERY_KEYS, performanceQuerySchema } from './filters.ts';
export { computeRiskMetrics, DEFAULT_ACCOUNT_SIZE, DEFAULT_TIME_ZONE } from './risk-report.ts';
export { initialRisk } from './risk.ts';
export type { ClosedPl, TradeTotals } from './summary-accumulator.ts';
export { SUMMARY_KEYS, SummaryAccumulator, closedPlInExitOrder, totalsOf } from './summary-accumulator.ts';
