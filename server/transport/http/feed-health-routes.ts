// GET /api/public/feed-health/: per-symbol age, ticks/s and stale flag for symbols with open system trades.
import type { FeedHealthRow } from '../../analytics/feed-health.ts';
import type { HttpRouter } from './http-router.ts';

/** The upstream connection's health as a public surface may show it (see feeds/price-feed.ts publicFeedHealth). */
export type UpstreamHealth = () => { fault: string | null; refused: number };

export function registerFeedHealthRoutes(router: HttpRouter, rows: () => FeedHealthRow[], upstream?: UpstreamHealth): void {
  router.get('/api/public/feed-health/', (ex) => {
    const body = { server_time: Date.now(), symbols: rows(), ...(upstream ? { upstream: upstream() } : {}) };
    ex.header('access-control-allow-origin', '*').header('cache-control', 'no-store').json(200, body);
  });
}
