// Public REST (SPEC §4): system trades only; trailing slashes optional (the router ignores them). Every read goes through PublicReads, whose queries are
// scoped to system trades in one place (server/privacy/trade-scope.ts).
import type { ApiError, OpenPositionJson, SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';
import { parseWith } from '../../../shared/validation.ts';
import { performanceQuerySchema } from '../../../shared/metrics/index.ts';
import { ValidationError } from '../../errors.ts';
import { publicListQuerySchema, queryObject } from '../../queries/list-query.ts';
import type { PublicTradeList } from '../../queries/public-list.ts';
import { BusyError, type CacheOutcome } from '../../cache/versioned-cache.ts';
import { isUnfiltered, type PerformanceCache } from '../../analytics/performance-cache.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';

/** The bounded reads behind the list and `performance/` (server/queries/public-list.ts, server/analytics/performance-cache.ts). */
export interface PublicReads {
  list: PublicTradeList;
  performance: PerformanceCache;
}

export interface PublicLive {
  summary(): SummaryJson;
  openPositions(): OpenPositionJson[];
  recentClosed(): TradeJson[];
  unrealized(): number;
}

const CACHE_PUBLIC = 'public, max-age=1';

/** The public answers' headers: any origin may read them, caches may keep them a second. */
export function cors(ex: Exchange): Exchange {
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

/** `cursor` links, with the same origin policy as `pageUrl` (PUBLIC_URL or relative). */
function cursorUrl(ex: Exchange, cursor: string): string {
  const q = new URLSearchParams(ex.query);
  q.delete('page');
  q.set('cursor', cursor);
  return ex.linkTo(`${ex.path}?${q.toString()}`);
}

/** Past the budget of uncached computations: nothing was computed; retry (the answer will likely be cached by then). */
async function budgeted<T>(ex: Exchange, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof BusyError)) throw err;
    ex.header('access-control-allow-origin', '*')
      .header('retry-after', '1')
      .header('cache-control', 'no-store')
      .error(503, { code: 'UNAVAILABLE', message: `busy: ${err.message}` });
    return null;
  }
}

export function registerPublicRoutes(router: HttpRouter, reads: PublicReads, live: PublicLive): void {
  const base = '/api/public/paper-trading';

  router.get(`${base}/`, async (ex) => {
    const q = parsed(parseWith(publicListQuerySchema, queryObject(ex.query)));
    const page = await budgeted(ex, () => reads.list.page(q));
    if (!page) return;
    const { count, results, nextCursor, countOutcome } = page;
    let next: string | null = null;
    if (nextCursor !== null) next = q.cursor === undefined && q.page < reads.list.maxPage(q.page_size) ? pageUrl(ex, q.page + 1) : cursorUrl(ex, nextCursor);
    cors(ex)
      .header('x-cache', countOutcome)
      .json(200, {
        count,
        next,
        // Cursor pages go forward only (keyset); the offset pages say where they came from.
        previous: q.cursor === undefined && q.page > 1 ? pageUrl(ex, q.page - 1) : null,
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
    // Unrealised P/L is live over all open system trades; with filters, over the filtered open ones.
    const unrealized = (openIds: ReadonlySet<number> | null) =>
      openIds === null || isUnfiltered(filters) ? live.unrealized() : filteredUnrealized(live.openPositions(), openIds);
    const r = await budgeted(ex, () => reads.performance.body(filters, unrealized));
    if (!r) return;
    cors(ex)
      .header('x-cache', r.outcome satisfies CacheOutcome)
      .send(200, r.json, 'application/json; charset=utf-8');
  });
}

function filteredUnrealized(open: OpenPositionJson[], ids: ReadonlySet<number>): number {
  let sum = 0;
  for (const p of open) if (ids.has(p.id) && p.unrealized_pnl !== null) sum += p.unrealized_pnl;
  return sum;
}
