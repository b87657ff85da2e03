// Candles (SPEC §13): the builder as a per-key tick job, its flush and retention in the sweep, the
// public candles route, closed minutes to the public stream, and the open minutes written at shutdown.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EngineCore } from './engine-core.ts';
import { CandleService } from '../candles/candle-service.ts';
import { candleJson } from '../candles/candle.ts';
import { PgCandleStore } from '../persistence/candle-store.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { registerCandleRoutes } from '../transport/http/candle-routes.ts';
import type { PublicStream } from '../transport/socket/public-stream.ts';
import type { Job, Step } from './lifecycle.ts';
import type { TickArgs } from './tick-fanout.ts';

export interface CandlesWiring {
  service: CandleService;
  /** Per-key tick job: the builder (the tick fan-out's `candles`, called from a site of its own). */
  tickJob: Job<TickArgs>;
  /** Sweep job: flush closed minutes (one batch, not per tick), hourly retention. */
  sweepJob: Job<[]>;
  /** Shutdown, after the feed stopped: the open minutes too. */
  stop: Step;
}

/**
 * The builder as a per-key tick job (also what benchmarks/book-bench.ts P1.candles runs): the
 * builder itself, not through `service.tick`, so a tick costs the fan-out one call (P1.candles).
 */
export function candlesTickJob(service: CandleService): Job<TickArgs> {
  const builder = service.builder;
  return { name: 'candles', run: (key, price, ts, now, slot) => builder.tick(key, price, ts, now, slot) };
}

export function wireCandles(d: { config: Config; log: Logger; core: Pick<EngineCore, 'orm'>; router: HttpRouter; stream: PublicStream }): CandlesWiring {
  const log = d.log.child({ module: 'candles' });
  const service = new CandleService(new PgCandleStore(new SqlRunner(d.core.orm)), {
    retentionDays: d.config.candleRetentionDays,
    reads: { concurrency: d.config.publicReads.concurrency, queue: d.config.publicReads.queue },
    log,
    onClosed: (candles) => d.stream.candles(candles.map((c) => ({ key: c.key, ...candleJson(c) }))),
  });
  registerCandleRoutes(d.router, service);
  const warn = (what: string) => (err: unknown) => log.warn({ err: String(err) }, `${what} (retried next sweep)`);
  return {
    service,
    tickJob: candlesTickJob(service),
    sweepJob: {
      name: 'candles',
      run: () => {
        const now = Date.now();
        void service.flush(now);
        void service.prune(now).catch(warn('old candles not deleted'));
      },
    },
    stop: { name: 'flush candles', run: () => service.close() },
  };
}
