// The composition root: config → engine core (database, ORM, store, book, engine) → feed →
// transport, wired concern by concern (server/wiring/). `startApp` is what `npm start` and the tests run.
import { PUBLIC_SCOPE } from './privacy/trade-scope.ts';
import uWS from 'uWebSockets.js';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Database } from './persistence/database.ts';
import type { OpenBook } from './book/open-book.ts';
import type { TradeEngine } from './engine/trade-engine.ts';
import { createFeed } from './feeds/create-feed.ts';
import { hasMarketWatch } from './feeds/market-watch.ts';
import { BENCHMARK_SYMBOL } from './analytics/benchmark-service.ts';
import { AppMetrics } from './ops/metrics-registry.ts';
import { publicRouter } from './transport/http/http-front.ts';
import { createIoServer, type IoServer } from './transport/socket/io-server.ts';
import type { PublicStream } from './transport/socket/public-stream.ts';
import type { UserStreams } from './transport/socket/user-streams.ts';
import type { ScryptParams } from './users/password-hasher.ts';
import type { AuthLimits } from './users/account-service.ts';
import { startEngineCore } from './wiring/engine-core.ts';
import { wireAnalytics } from './wiring/analytics.ts';
import { wirePublicSurfaces } from './wiring/public-surfaces.ts';
import { botPort, IntakeGate, wireBotIngest } from './wiring/bot-ingest.ts';
import { wireTokens } from './wiring/tokens.ts';
import { wireUsers } from './wiring/users.ts';
import { closesCounter, wireEngineOps } from './wiring/ops.ts';
import { subscribeConsumers } from './wiring/engine-consumers.ts';
import { tickFanout } from './wiring/tick-fanout.ts';
import { isolatedJobs, shutdownSequence, startSteps } from './wiring/lifecycle.ts';
import { listen, mountWithPage } from './wiring/http-surface.ts';
import { rebuildOnListingChange, watchBotListing } from './wiring/bot-listing.ts';
import { BotRepository } from './persistence/bot-repository.ts';
import { SqlRunner } from './persistence/sql-runner.ts';
import { wireNotifications } from './wiring/notifications.ts';
import { wireCheckpoints } from './wiring/checkpoints.ts';

export const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface AppHandle {
  port: number;
  url: string;
  database: Database;
  engine: TradeEngine;
  book: OpenBook;
  /** For the cluster roles (server/cluster/): the Socket.IO server and the public stream. */
  io: IoServer;
  stream: PublicStream;
  /** /me streams (ROLE=engine also opens them for users connected to edges). */
  userStreams: UserStreams;
  /** Graceful stop (SPEC §7): not ready, stop listening, flush writes, close sockets, ORM and database. */
  close(): Promise<void>;
  /** Every HTTP route as registered (the API description is checked against it). */
  routes(): Array<{ method: string; path: string }>;
}

export interface AppOptions {
  log: Logger;
  webRoot?: string;
  /** Bot-namespace signals per second per connection before RATE_LIMITED. */
  signalsPerSecond?: number;
  /** Login/registration rate limits and scrypt cost (tests lower the cost, never below N = 2^14). */
  authLimits?: AuthLimits;
  scrypt?: ScryptParams;
  /** Socket.IO adapter factory (ROLE=engine: Redis Streams); set before any namespace is made. */
  adapter?: Parameters<IoServer['adapter']>[0];
  /** How often open sockets' tokens are checked for revocation (default 5 s). */
  tokenRecheckMs?: number;
  /** How often the bots' listing (SPEC §11 unlisted) is read (default 2 s). */
  botListingRecheckMs?: number;
}

export async function startApp(config: Config, opts: AppOptions): Promise<AppHandle> {
  const log = opts.log;
  const core = await startEngineCore(config, log);
  const { engine, book, events, staleness, store, orm, database } = core;
  const feed = createFeed(config, log);
  const metrics = new AppMetrics();
  const intake = new IntakeGate();

  const app = uWS.App();
  const io = createIoServer(app, config);
  if (opts.adapter) io.adapter(opts.adapter);
  const router = publicRouter(config, log.child({ module: 'http' }));
  const tokens = wireTokens(orm, { botToken: config.botToken, log, recheckMs: opts.tokenRecheckMs });
  const analytics = wireAnalytics({
    book,
    engine,
    feeRate: config.feeRate,
    closedForAnalytics: core.closedForAnalytics,
    settledForPerformance: core.settledForPerformance,
  });
  const pub = wirePublicSurfaces({ config, log, core, io, router, feed, analytics: analytics.extras, performanceSource: analytics.performanceSource });
  wireBotIngest({ io, router, port: botPort(engine, feed, metrics, intake), tokens, signalsPerSecond: opts.signalsPerSecond ?? 2_000, log });
  const users = wireUsers({ config, log, core, io, router, feed, tokens, authLimits: opts.authLimits, scrypt: opts.scrypt });
  wireEngineOps({
    router,
    metrics,
    core,
    io,
    role: config.role,
    accepting: () => intake.open,
    upstream: pub.upstream,
    feedHealthRows: pub.feedHealthRows,
    log,
  });
  mountWithPage(app, router, config, opts.webRoot ?? WEB_ROOT, (id) => core.queries.getTrade(PUBLIC_SCOPE, id));

  // SPEC §11: the all-bots record without unlisted bots, rebuilt in memory when the listing changes.
  const botRepo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
  const listing = watchBotListing(core.listed, () => botRepo.unlistedNames(), log, opts.botListingRecheckMs);
  rebuildOnListingChange({
    listed: core.listed,
    live: core.live,
    publicState: core.publicState,
    openSystemTrades: () => engine.openTrades(PUBLIC_SCOPE),
    recordTrades: () => analytics.recordTrades(),
    recentClosed: (n) => core.queries.recentClosed(PUBLIC_SCOPE, n),
    restartStream: () => pub.stream.restart(),
    log,
  });
  await listing.refresh();

  // Every consumer of engine events, in the order each event reaches them.
  subscribeConsumers(
    events,
    [
      // First: the live figures the stream's deltas carry leave the unlisted bots' open trades out.
      { name: 'unlisted-open-trades', listener: core.live.unlistedOpen },
      pub.consumer,
      closesCounter(metrics),
      analytics.consumers.quality,
      analytics.consumers.benchmark,
      analytics.consumers.record,
      users.consumer,
      pub.botStreamsConsumer,
      analytics.consumers.closesCounted,
    ],
    log,
  );

  // Price feed → engine, per price key, with staleness tracking.
  await feed.start({
    tick: tickFanout(
      {
        each: [
          pub.feedHealthJob,
          analytics.tickJobs.extremes,
          analytics.tickJobs.benchmark,
          { name: 'staleness', run: (key, _p, _ts, now) => staleness.seen(key, now) && events.staleness(key, false) },
        ],
        candles: pub.candles.tickJob,
        engine: { name: 'engine', run: (key, price, ts) => engine.tick(key, price, ts) },
      },
      () => metrics.ticks.inc(),
      log,
    ),
  });
  const watch = (): Set<string> => {
    const { spot, futures } = engine.watchedMarkets();
    // BTC spot is always watched: the live benchmark's "holding BTC" needs its price.
    if (hasMarketWatch(feed)) feed.watchMarkets({ spot: new Set([...spot, BENCHMARK_SYMBOL]), futures });
    else feed.watch?.(new Set([...spot, ...futures, BENCHMARK_SYMBOL]));
    return engine.watchedKeys();
  };
  const sweep = setInterval(
    isolatedJobs(
      [
        { name: 'expire signals', run: () => engine.expireDue() },
        {
          name: 'trailing checkpoint',
          run: () =>
            void engine.checkpointTrailing().catch((err: unknown) => log.warn({ err: String(err) }, 'trailing stops not checkpointed (retried next sweep)')),
        },
        {
          name: 'watch and staleness',
          run: () => {
            const stale = new Set(staleness.sweep(Date.now(), watch()));
            if (stale.size > 0) engine.markGaps(stale);
            for (const s of stale) events.staleness(s, true);
          },
        },
        analytics.prune,
        pub.candles.sweepJob,
      ],
      log.child({ module: 'sweep' }),
      'sweep',
    ),
    Math.min(1000, config.priceStaleMs),
  );
  watch();
  const checkpoints = wireCheckpoints({ config, log, core });
  await startSteps([...pub.start, users.start, tokens.start, listing.start, checkpoints.start]);

  const listening = await listen(app, config.host, config.port);
  core.phases.lap('transport');
  // SPEC §14: the outbox is drained by this engine; trade links point at PUBLIC_URL, else here.
  const notifications = wireNotifications({ config, log, core, metrics, baseUrl: () => config.publicUrl ?? listening.url });
  await startSteps([notifications.start]);
  log.debug({ ms: core.phases.summary() }, 'start-up phases');

  const close = shutdownSequence(
    [
      { name: 'refuse signals', run: () => intake.close() },
      { name: 'stop listening', run: () => uWS.us_listen_socket_close(listening.listenSocket) },
      { name: 'sweep', run: () => clearInterval(sweep) },
      ...pub.stop,
      listing.stop,
      users.stop,
      tokens.stop,
      { name: 'price feed', run: () => feed.stop() },
      pub.candles.stop,
      {
        name: 'flush closes',
        run: async () => {
          if (!(await engine.flush(5_000))) log.error({ pending: engine.pendingCloses }, 'shutdown: some closes were not written');
        },
      },
      { name: 'flush store', run: () => store.flush() },
      notifications.stop,
      checkpoints.stop,
      { name: 'sockets', run: () => void io.close() },
      { name: 'metrics', run: () => metrics.stop() },
      { name: 'orm', run: () => orm.close(true) },
      { name: 'database', run: () => database.stop() },
    ],
    log,
  );

  return {
    port: listening.port,
    url: listening.url,
    database,
    engine,
    book,
    io,
    stream: pub.stream,
    userStreams: users.userStreams,
    close,
    routes: () => router.registered(),
  };
}
