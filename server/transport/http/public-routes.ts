// Public REST (SPEC §4): system trades only; trailing slashes optional (the router ignores them). Every read goes through PublicReads, whose queries are
// scoped to `user_id IS NULL` in one place (server/queries/trade-scope.ts).
import type { ApiError, OpenPositionJson, SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';
import { roundMoney } from '../../../shared/trade-math.ts';
import { parseWith } from '../../../shared/validation.ts';
import {
  computePerformance,
  performanceQuerySchema,
  type MetricTrade,
  type PerformanceQuery,
} from '../../../shared/metrics/index.ts';
import { ValidationError } from '../../errors.ts';
import { listQuerySchema, queryObject, type ListQuery } from '../../queries/list-query.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';

export interface PublicReads {
  listTrades(q: ListQuery): Promise<{ count: number; results: TradeJson[] }>;
  metricTrades(filters: PerformanceQuery, now: number): Promise<MetricTrade[]>;
}

export interface PublicLive {
  summary(): SummaryJson;
  openPositions(): OpenPositionJson[];
  recentClosed(): TradeJson[];
  unrealized(): number;
}

const CACHE_PUBLIC = 'public, max-age=1';

function cors(ex: Exchange): Exchange {
  return ex.header('access-control-allow-origin', '*').header('cache-control', CACHE_PUBLIC);
}

function parsed<T>(r: { ok: true; value: T } | { ok: false; error: ApiError }): T {
  if (!r.ok) throw new ValidationError(r.error);
  return r.value;
}

// Absolute only under PUBLIC_URL, else relative: these answers are cacheable, and a Host header
// reflected into them would let one request plant `Host: evil.example` links for everyone after it.
function pageUrl(ex: Exchange, page: number): string {
  const q = new URLSearchParams(ex.query);
  q.set('page', String(page));
  return ex.linkTo(`${ex.path}?${q.toString()}`);
}

/** Extra performance fields (signal-quality `analytics`) over the filtered trades' ids. */
export type PerformanceExtras = (tradeIds: number[]) => Record<string, unknown>;

export function registerPublicRoutes(router: HttpRouter, reads: PublicReads, live: PublicLive, extras?: PerformanceExtras): void {
  const base = '/api/public/paper-trading';

  router.get(`${base}/`, async (ex) => {
    const q = parsed(parseWith(listQuerySchema, queryObject(ex.query)));
    const { count, results } = await reads.listTrades(q);
    cors(ex).json(200, {
      count,
      next: q.page * q.page_size < count ? pageUrl(ex, q.page + 1) : null,
      previous: q.page > 1 ? pageUrl(ex, q.page - 1) : null,
      results,
    });
  });

  router.get(`${base}/summary/`, (ex) => {
    const summary = live.summary();
    cors(ex).json(200, {
      performance: summary,
      open_trades_count: summary.open_trades,
      recent_closed_trades: live.recentClosed(),
    });
  });

  router.get(`${base}/open-positions/`, (ex) => {
    cors(ex).json(200, live.openPositions());
  });

  router.get(`${base}/performance/`, async (ex) => {
    const filters = parsed(parseWith(performanceQuerySchema, queryObject(ex.query)));
    const now = Date.now();
    const trades = await reads.metricTrades(filters, now);
    const unfiltered = !filters.days && !filters.direction && !filters.symbol && !filters.market_type && !filters.timeframe;
    // Unrealised P/L is live over all open system trades; with filters, over the filtered open ones.
    const unrealized = unfiltered ? live.unrealized() : filteredUnrealized(live.openPositions(), trades);
    const performance = computePerformance(trades, { unrealizedProfitLoss: unrealized });
    cors(ex).json(200, extras ? { ...performance, ...extras(trades.map((t) => t.id)) } : performance);
  });
}

function filteredUnrealized(open: OpenPositionJson[], trades: MetricTrade[]): number {
  const ids = new Set(trades.map((t) => t.id));
  let sum = 0;
  for (const p of open) if (ids.has(p.id) && p.unrealized_pnl !== null) sum += p.unrealized_pnl;
  return roundMoney(sum);
}
