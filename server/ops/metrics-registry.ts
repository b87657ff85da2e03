// Prometheus metrics (prom-client): one registry per app instance, so tests can run several servers.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Default metrics whose names break the exposition lint (non-counters ending in `_total`). */
const UNLINTABLE_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

export class AppMetrics {
  readonly registry = new Registry();
  readonly ticks = new Counter({ name: 'paperbook_ticks_total', help: 'Price ticks processed', registers: [this.registry] });
  readonly signals = new Counter({ name: 'paperbook_signals_total', help: 'Signals acknowledged', labelNames: ['result'], registers: [this.registry] });
  readonly closes = new Counter({ name: 'paperbook_closes_total', help: 'Trades closed', labelNames: ['status'], registers: [this.registry] });
  readonly openTrades = new Gauge({ name: 'paperbook_open_trades', help: 'Open trades in the book', registers: [this.registry] });
  readonly viewers = new Gauge({ name: 'paperbook_viewers', help: 'Connected sockets per namespace', labelNames: ['namespace'], registers: [this.registry] });
  readonly feedAge = new Gauge({ name: 'paperbook_feed_age_seconds', help: 'Seconds since the last price tick', registers: [this.registry] });
  readonly staleSymbols = new Gauge({ name: 'paperbook_stale_symbols', help: 'Symbols with open trades and no recent tick', registers: [this.registry] });
  readonly feedFault = new Gauge({
    name: 'paperbook_feed_fault',
    help: '1 when the price feed reports a connection-level fault (e.g. all streams silent) on a connection carrying a public symbol',
    registers: [this.registry],
  });
  readonly feedRefusedSubscriptions = new Gauge({
    name: 'paperbook_feed_refused_subscriptions',
    help: 'Public symbols whose upstream subscription was refused and awaits a retry',
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: 'paperbook_group_commit_seconds',
    help: 'Signal ingest latency from request to commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventLoopLag = new Gauge({
    name: 'paperbook_event_loop_lag_seconds',
    help: 'Event-loop delay p99 over the scrape interval',
    registers: [this.registry],
  });
  // SPEC §14 notifications: outcomes as they happen, the queue's state read at scrape time.
  readonly notificationsSent = new Counter({
    name: 'paperbook_notifications_sent_total',
    help: 'Notifications delivered',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly notificationsFailed = new Counter({
    name: 'paperbook_notifications_failed_total',
    help: 'Failed notification deliveries (each try; retried or dead-lettered)',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly notificationsDeadLettered = new Counter({
    name: 'paperbook_notifications_dead_lettered_total',
    help: 'Notifications given up on (permanent refusal or retry window over)',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly notificationLatency = new Histogram({
    name: 'paperbook_notification_delivery_seconds',
    help: 'From queueing (the event commit) to a successful delivery',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600, 3600],
    registers: [this.registry],
  });
  readonly notificationsQueued = new Gauge({
    name: 'paperbook_notifications_queued',
    help: 'Notifications waiting to be delivered',
    registers: [this.registry],
  });
  readonly notificationsDead = new Gauge({ name: 'paperbook_notifications_dead', help: 'Dead-lettered notifications kept', registers: [this.registry] });
  readonly notificationsOldestAge = new Gauge({
    name: 'paperbook_notifications_oldest_queued_age_seconds',
    help: 'Age of the oldest queued notification (0 when none)',
    registers: [this.registry],
  });
  private notificationState: (() => Promise<{ queued: number; dead: number; oldestQueuedAgeSeconds: number }>) | null = null;
  private loop = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'paperbook_' });
    // prom-client's `nodejs_active_{handles,requests,resources}_total` are gauges named like counters,
    // which `promtool check metrics` refuses (issue 21): the same counts stay, by type, in the
    // families without `_total` (sum them for the total).
    for (const name of UNLINTABLE_DEFAULTS) this.registry.removeSingleMetric(`paperbook_${name}`);
    this.loop.enable();
  }

  /** The outbox's state, read at each scrape (the engine that drains it sets this). */
  watchNotifications(read: () => Promise<{ queued: number; dead: number; oldestQueuedAgeSeconds: number }>): void {
    this.notificationState = read;
  }

  async render(): Promise<string> {
    this.eventLoopLag.set(this.loop.percentile(99) / 1e9);
    this.loop.reset();
    if (this.notificationState) {
      const s = await this.notificationState().catch(() => null);
      if (s) {
        this.notificationsQueued.set(s.queued);
        this.notificationsDead.set(s.dead);
        this.notificationsOldestAge.set(s.oldestQueuedAgeSeconds);
      }
    }
    return this.registry.metrics();
  }

  stop(): void {
    this.loop.disable();
  }
}
