// Operations endpoints (SPEC §4): liveness, readiness and Prometheus metrics.
import type { Logger } from '../../logger.ts';
import type { HttpRouter } from './http-router.ts';

export interface Readiness {
  /** Each check: true = ok, or a reason string. */
  checks(): Promise<Record<string, true | string>>;
  /** What this process is, in the /readyz body (e.g. `{role: 'engine', leader: false}`). */
  info?: Record<string, unknown>;
}

/**
 * A dependency check for /readyz: true, or 'unreachable'. The driver's error goes to the log only:
 * its text (host names, roles, versions) is nothing an anonymous caller needs (issue 16, item 11).
 */
export async function reachable(name: string, ping: () => Promise<unknown>, log: Logger): Promise<true | 'unreachable'> {
  try {
    await ping();
    return true;
  } catch (err) {
    log.warn({ err, check: name }, 'readiness check failed');
    return 'unreachable';
  }
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
