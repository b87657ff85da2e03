// `performance/` bodies cached per (filters, tz, equity_points, read version): before, every call
// loaded and folded every system trade (3.7 s and 12 MB at 300k trades; 8 at once held /healthz for
// 9 s and took RSS to 2.4 GB, benchmarks/reads-bench.ts). The JSON is kept serialised as UTF-8
// bytes, split where the live unrealised P/L goes, so a cached answer costs a lookup, a sum over
// open trades and a three-buffer concat. `equity_curve` is bounded (boundEquityCurve, default
// DEFAULT_EQUITY_POINTS points): at 100k closes it was ~98 % of a 2 MB body (docs/decisions.md).
import { roundMoney } from '../../shared/trade-math.ts';
import { tradePriceKey } from '../../shared/price-key.ts';
import {
  computePerformance,
  computeRiskMetrics,
  DEFAULT_ACCOUNT_SIZE,
  DEFAULT_TIME_ZONE,
  isOpenStatus,
  isUnfiltered,
  PERFORMANCE_QUERY_KEYS,
  type MetricTrade,
  type PerformanceQuery,
} from '../../shared/metrics/index.ts';
import { closedInExitOrder } from '../../shared/metrics/metric-trade.ts';
import { boundEquityCurve, DEFAULT_EQUITY_POINTS } from '../../shared/metrics/equity-curve.ts';
import type { ReadVersion } from '../cache/read-version.ts';
import { VersionedCache, type CacheOutcome, type VersionedCacheLimits } from '../cache/versioned-cache.ts';

/**
 * Extra performance fields (signal-quality `analytics`, benchmark) over the filtered trades' ids.
 * They cover closed system trades only and are kept in memory from close events, which follow the
 * commit: `version` counts those events, so an answer computed between a commit and its event is
 * not kept past the event.
 */
export interface PerformanceExtras {
  compute(tradeIds: number[]): Record<string, unknown>;
  version(): number;
}

export interface PerformanceSource {
  version: ReadVersion;
  metricTrades(filters: PerformanceQuery, now: number): Promise<MetricTrade[]>;
}

/** Open trades a filtered answer's unrealised P/L sums over: id → price key (shared/price-key.ts). */
export type OpenTradeKeys = ReadonlyMap<number, string>;

/** The body's UTF-8 bytes around `unrealized_profit_loss`, and which open trades it sums over (null: all of them). */
export interface CachedPerformance {
  before: Buffer;
  after: Buffer;
  openIds: OpenTradeKeys | null;
}

/** A `days` window is recomputed at least this often, so its edge moves in steps of at most a minute. */
export const DAYS_WINDOW_STEP_MS = 60_000;

// Stands in for the live number in the serialised body; no trade field can hold a control character.
const MARKER = '\u0000unrealized';
const MARKER_JSON = JSON.stringify(MARKER);

export class PerformanceCache {
  private readonly cache: VersionedCache<CachedPerformance>;

  constructor(
    private readonly source: PerformanceSource,
    limits: VersionedCacheLimits,
    private readonly extras?: PerformanceExtras,
    private readonly accountSize = DEFAULT_ACCOUNT_SIZE,
  ) {
    this.cache = new VersionedCache(limits, (v) => v.before.length + v.after.length + (v.openIds?.size ?? 0) * 64);
  }

  /** The body for `filters`, with `unrealized(openIds)` spliced in. Throws BusyError past the computation budget. */
  async body(
    filters: PerformanceQuery,
    unrealized: (openIds: OpenTradeKeys | null) => number,
    now = Date.now(),
  ): Promise<{ body: Buffer; outcome: CacheOutcome }> {
    // Both parts only grow, so their sum changes whenever either does.
    const version = (await this.source.version()) + (this.extras?.version() ?? 0);
    const { value, outcome } = await this.cache.get(keyOf(filters, now), version, () => this.compute(filters, now));
    const live = Buffer.from(JSON.stringify(roundMoney(unrealized(value.openIds))));
    return { body: Buffer.concat([value.before, live, value.after], value.before.length + live.length + value.after.length), outcome };
  }

  private async compute(filters: PerformanceQuery, now: number): Promise<CachedPerformance> {
    const trades = await this.source.metricTrades(filters, now);
    const closed = closedInExitOrder(trades);
    const performance = computePerformance(trades, { unrealizedProfitLoss: 0, closedInExitOrder: closed });
    const risk = computeRiskMetrics(closed, filters.tz ?? DEFAULT_TIME_ZONE, this.accountSize);
    const fullPoints = performance.equity_curve.length;
    const body: Record<string, unknown> = {
      ...performance,
      equity_curve: boundEquityCurve(performance.equity_curve, filters.equity_points ?? DEFAULT_EQUITY_POINTS),
      equity_curve_full_points: fullPoints,
      ...risk,
      ...(this.extras ? this.extras.compute(trades.map((t) => t.id)) : {}),
    };
    body.unrealized_profit_loss = MARKER;
    const json = JSON.stringify(body);
    const at = json.indexOf(MARKER_JSON);
    const openIds = isUnfiltered(filters) ? null : new Map(trades.filter((t) => isOpenStatus(t.status)).map((t) => [t.id, tradePriceKey(t)]));
    return { before: Buffer.from(json.slice(0, at)), after: Buffer.from(json.slice(at + MARKER_JSON.length)), openIds };
  }
}

export { isUnfiltered };

/** Every query key, from the schema (a new filter cannot be left out of the key); `days` moves with time. */
function keyOf(f: PerformanceQuery, now: number): string {
  return PERFORMANCE_QUERY_KEYS.map((k) => {
    const v = f[k];
    if (k === 'days') return v === undefined ? '' : `${String(v)}@${Math.floor(now / DAYS_WINDOW_STEP_MS)}`;
    // Absent and the default are one answer, so one entry.
    if (k === 'equity_points') return String(v ?? DEFAULT_EQUITY_POINTS);
    return v === undefined ? '' : String(v);
  }).join('|');
}
