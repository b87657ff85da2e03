// SPEC §14 outbound notifications, wired on the engine (the only writer of ledger rows, so the
// only drainer of their outbox): the worker over the outbox tables, woken by every ledger commit,
// its outcomes and the queue's state on /metrics, and a daily prune of delivered rows.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../ops/metrics-registry.ts';
import type { EngineCore } from './engine-core.ts';
import type { Step } from './lifecycle.ts';
import { NotifyWorker, type OutboxPort } from '../notify/notify-worker.ts';
import { createDeliver } from '../notify/channels/deliver.ts';
import { NotifyOutboxStore } from '../persistence/notify-outbox.ts';
import { NotifyTargetStore } from '../persistence/notify-targets.ts';
import { loadNotifications } from '../persistence/notify-events.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';

export interface NotificationsWiring {
  worker: NotifyWorker;
  start: Step;
  stop: Step;
}

const PRUNE_EVERY_MS = 3_600_000;
const STOP_WAIT_MS = 2_000;

export function wireNotifications(d: {
  config: Config;
  log: Logger;
  core: Pick<EngineCore, 'orm' | 'store'>;
  metrics: AppMetrics;
  /** Origin of the trade links (PUBLIC_URL, else where this server listens). */
  baseUrl: () => string;
}): NotificationsWiring {
  const log = d.log.child({ module: 'notify' });
  const runner = new SqlRunner(d.core.orm);
  const q = (sql: string, b?: readonly unknown[]) => runner.query(sql, b);
  const outbox = new NotifyOutboxStore(q);
  const targets = new NotifyTargetStore(q);
  const port: OutboxPort = {
    hasTargets: () => targets.any(),
    releaseLeases: () => outbox.releaseLeases(),
    claim: (limit, leaseMs) => outbox.claim(limit, leaseMs),
    notifications: (seqs) => loadNotifications(q, seqs, d.baseUrl()),
    targets: (ids) => targets.byIds(ids),
    release: (ids) => outbox.release(ids),
    markSent: (id, status) => outbox.markSent(id, status),
    markRetry: (id, delay, status, error) => outbox.markRetry(id, delay, status, error),
    markDead: (id, status, error) => outbox.markDead(id, status, error),
  };
  const n = d.config.notify;
  const worker = new NotifyWorker(port, createDeliver(n), {
    pollMs: n.pollMs,
    batch: 100,
    concurrency: 8,
    // One worker at a time (the engine leader), which takes every lease back when it starts.
    leaseMs: 10 * 60_000,
    retry: { baseMs: n.backoffBaseMs, maxMs: n.backoffMaxMs, windowMs: n.retryWindowMs },
    log,
    outcomes: {
      sent: (channel, ageMs) => {
        d.metrics.notificationsSent.inc({ channel });
        d.metrics.notificationLatency.observe(ageMs / 1000);
      },
      failed: (channel) => d.metrics.notificationsFailed.inc({ channel }),
      dead: (channel) => d.metrics.notificationsDeadLettered.inc({ channel }),
    },
  });
  d.metrics.watchNotifications(() => outbox.stats());
  let unsubscribe = (): void => {};
  let prune: NodeJS.Timeout | undefined;
  const pruneSent = () =>
    void outbox.pruneSent(n.keepSentDays).catch((err: unknown) => log.warn({ err: String(err) }, 'delivered notifications not pruned (next hour)'));
  return {
    worker,
    start: {
      name: 'notifications',
      run: async () => {
        unsubscribe = d.core.store.store.onLedgerCommitted(() => worker.kick());
        await worker.start();
        prune = setInterval(pruneSent, PRUNE_EVERY_MS);
        prune.unref();
      },
    },
    stop: {
      name: 'notifications',
      run: async () => {
        unsubscribe();
        clearInterval(prune);
        // A delivery in flight may take its whole timeout: not waited for past STOP_WAIT_MS (its
        // row stays leased and queued; the next start takes the lease back and sends it again).
        await Promise.race([worker.stop(), new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
      },
    },
  };
}
