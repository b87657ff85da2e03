// GET /api/public/feed-health/: per-symbol age, ticks/s and stale flag for symbols with open system trades.
import type { FeedHealthRow } from '../../analytics/feed-health.ts';
import type { HttpRouter } from './http-router.ts';

export function registerFeedHealthRoutes(router: HttpRouter, rows: () => FeedHealthRow[]): void {
  router.get('/api/public/feed-health/', (ex) => {
    ex.header('access-control-allow-origin', '*').header('cache-control', 'no-store').json(200, { server_time: Date.now(), symbols: rows() });
  });
}
