// GET /api/public/feed-health/: per-symbol age, ticks/s and stale flag for symbols with open system trades.
import type { FeedHealthRow } from '../../analytics/feed-health.ts';
import type { HttpRouter } from './http-router.ts';

/** The upstream connection's health as a public surface may show it (see feeds/price-feed.ts publicFeedHealth). */
export type UpstreamHealth = () => { fault: string | null; refused: number };

/** The `/readyz` check for the upstream connection: true, or what is wrong with it. */
export function upstreamCheck(u: ReturnType<UpstreamHealth>): true | string {
  if (u.fault === null && u.refused === 0) return true;
  const reasons = [u.fault && `upstream fault: ${u.fault}`, u.refused > 0 && `${u.refused} subscription(s) refused, retrying`];
  return reasons.filter(Boolean).join('; ');
}

export function registerFeedHealthRoutes(router: HttpRouter, rows: () => FeedHealthRow[], upstream?: UpstreamHealth): void {
  router.get('/api/public/feed-health/', (ex) => {
    const body = { server_time: Date.now(), symbols: rows(), ...(upstream ? { upstream: upstream() } : {}) };
    ex.header('access-control-allow-origin', '*').header('cache-control', 'no-store').json(200, body);
  });
}
