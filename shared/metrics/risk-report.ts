// The SPEC §12 fields of `performance/` from closed trades in exit order, in one time zone.
import type { RiskMetricsJson } from '../protocol-types.ts';
import { dailyJson, dailySeries, monthlyJson } from './calendar.ts';
import type { MetricTrade } from './metric-trade.ts';
import { avgRMultiple, riskRatios, streaks } from './risk.ts';
import { localDaysIn } from './time-zone.ts';

export const DEFAULT_ACCOUNT_SIZE = 1000;
export const DEFAULT_TIME_ZONE = 'UTC';

export function computeRiskMetrics(closedInExitOrder: readonly MetricTrade[], timeZone: string, accountSize: number): RiskMetricsJson {
  const series = dailySeries(closedInExitOrder, localDaysIn(timeZone));
  return {
    account_size: accountSize,
    time_zone: timeZone,
    ...riskRatios(series?.pl ?? [], accountSize),
    ...streaks(closedInExitOrder),
    avg_r_multiple: avgRMultiple(closedInExitOrder),
    daily: dailyJson(series),
    monthly: monthlyJson(series, accountSize),
  };
}
