// Operations: /healthz, /readyz (the role's checks) and /metrics (the role's gauges set just before
// each scrape), for every role that serves them; plus the engine's own checks and gauges.
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../ops/metrics-registry.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { reachable, registerOpsRoutes, type Readiness } from '../transport/http/ops-routes.ts';
import { upstreamCheck, type UpstreamHealth } from '../transport/http/feed-health-routes.ts';
import { feedHealthGauges } from '../analytics/feed-health-metrics.ts';
import type { FeedHealthRow } from '../analytics/feed-health.ts';
import { BENCHMARK_SYMBOL } from '../analytics/benchmark-service.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { NAMESPACES } from '../../shared/socket-events.ts';
import type { IoServer } from '../transport/socket/io-server.ts';
import type { EngineCore } from './engine-core.ts';
import type { Consumer } from './engine-consumers.ts';
import { publicOnly } from './engine-consumers.ts';

export function wireOps(router: HttpRouter, metrics: AppMetrics, readiness: Readiness, gauges: () => void): void {
  registerOpsRoutes(router, readiness, async () => {
    gauges();
    return metrics.render();
  });
}

/** Closes of system trades by status (a public count: user trades are nobody's business). */
export function closesCounter(metrics: AppMetrics): Consumer {
  return { name: 'closes-metric', listener: publicOnly({ closed: (t) => metrics.closes.inc({ status: t.status }) }) };
}

/** ROLE=all and ROLE=engine: readiness from the database, the book and the public symbols' feed. */
export function wireEngineOps(d: {
  router: HttpRouter;
  metrics: AppMetrics;
  core: Pick<EngineCore, 'store' | 'engine' | 'live'>;
  io: IoServer;
  role: string;
  accepting: () => boolean;
  upstream: UpstreamHealth;
  feedHealthRows: () => FeedHealthRow[];
  log: Logger;
}): void {
  const { metrics, core, io } = d;
  const { live } = core;
  const setFeedHealthGauges = feedHealthGauges(metrics.registry);
  const readiness: Readiness = {
    // ROLE=engine only runs this once it holds the leadership lock.
    info: d.role === 'engine' ? { role: 'engine', leader: true } : { role: d.role },
    checks: async () => ({
      accepting: d.accepting() || 'shutting down',
      database: await reachable('database', () => core.store.ping(), d.log),
      book: true,
      // Public symbols only (open system trades): nothing a user holds moves readiness.
      feed: live.feedFresh(Date.now()) || `${live.publicStaleCount()} symbol(s) with open system trades have no fresh price`,
      feed_upstream: upstreamCheck(d.upstream()),
    }),
  };
  wireOps(d.router, metrics, readiness, () => {
    metrics.openTrades.set(core.engine.openTrades(PUBLIC_SCOPE).length);
    // Not /me: how many users are connected is nothing the public may watch (privacy wall).
    for (const n of [NAMESPACES.public, NAMESPACES.bot]) metrics.viewers.set({ namespace: n }, io.of(n).sockets.size);
    // Public gauges count public symbols only (and BTCUSDT, which the benchmark needs).
    metrics.feedAge.set(live.feedAgeSeconds(Date.now(), [BENCHMARK_SYMBOL]));
    metrics.staleSymbols.set(live.publicStaleCount());
    const u = d.upstream();
    metrics.feedFault.set(u.fault ? 1 : 0);
    metrics.feedRefusedSubscriptions.set(u.refused);
    setFeedHealthGauges(d.feedHealthRows());
  });
}
