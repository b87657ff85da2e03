// Operations endpoints (SPEC §4): liveness, readiness and Prometheus metrics.
import type { HttpRouter } from './http-router.ts';

export interface Readiness {
  /** Each check: true = ok, or a reason string. */
  checks(): Promise<Record<string, true | string>>;
  /** What this process is, in the /readyz body (e.g. `{role: 'engine', leader: false}`). */
  info?: Record<string, unknown>;
}

export function registerOpsRoutes(router: HttpRouter, readiness: Readiness, metrics: () => Promise<string>): void {
  router.get('/healthz', (ex) => ex.header('cache-control', 'no-store').json(200, { status: 'ok' }));

  router.get('/readyz', async (ex) => {
    const checks = await readiness.checks();
    const ready = Object.values(checks).every((v) => v === true);
    ex.header('cache-control', 'no-store').json(ready ? 200 : 503, { ready, status: ready ? 'ready' : 'not ready', ...readiness.info, checks });
  });

  router.get('/metrics', async (ex) => {
    ex.header('cache-control', 'no-store').send(200, await metrics(), 'text/plain; version=0.0.4; charset=utf-8');
  });
}
