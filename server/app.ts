// The composition root: config → database → ORM → store → book → engine → feed → transport.
// The only module that knows them all. `startApp` is what `npm start` and the tests run.
import uWS from 'uWebSockets.js';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { UnavailableError } from './errors.ts';
import { openDatabase, type Database } from './persistence/database.ts';
import { initOrm } from './persistence/orm.ts';
import { PgTradeStore } from './persistence/trade-store.ts';
import { StorePortAdapter } from './persistence/store-port-adapter.ts';
import { TokenRepository } from './persistence/token-repository.ts';
import { OpenBook } from './book/open-book.ts';
import { EngineEvents } from './engine/engine-events.ts';
import { PublicState, RECENT_CLOSED_LIMIT } from './engine/public-state.ts';
import { TradeEngine } from './engine/trade-engine.ts';
import { StalenessMonitor } from './engine/staleness-monitor.ts';
import { TokenAuth } from './auth/token-auth.ts';
import { TokenWatch } from './auth/token-watch.ts';
import { TradeQueries } from './queries/trade-queries.ts';
import { PUBLIC_SCOPE } from './privacy/trade-scope.ts';
import { createFeed } from './feeds/create-feed.ts';
import { hasHealthReport, publicFeedHealth, type PriceFeed } from './feeds/price-feed.ts';
import { hasMarketWatch } from './feeds/market-watch.ts';
import { BotPriceFeed } from './feeds/bot-feed.ts';
import { AppMetrics } from './ops/metrics-registry.ts';
import { PhaseTimer } from './ops/phase-timer.ts';
import { publicRouter, publicStatics } from './transport/http/http-front.ts';
import { registerPublicRoutes } from './transport/http/public-routes.ts';
import { registerSignalRoutes } from './transport/http/signal-routes.ts';
import { reachable, registerOpsRoutes } from './transport/http/ops-routes.ts';
import { registerLedgerRoutes } from './transport/http/ledger-routes.ts';
import { SqlRunner } from './persistence/sql-runner.ts';
import type { TradeRow } from './persistence/rows.ts';
import type { TradeJson } from '../shared/protocol-types.ts';
import type { TradeTotals } from '../shared/metrics/index.ts';
import { symbolOfKey, tickKeys, tradePriceKey } from '../shared/price-key.ts';
import { ledgerHeadSeq, ledgerPage, verifyLedger } from './persistence/ledger-reads.ts';
import { LedgerVerifySchedule } from './ledger/verify-schedule.ts';
import { createPublicReads } from './queries/public-reads.ts';
import { FeedHealth } from './analytics/feed-health.ts';
import { feedHealthGauges } from './analytics/feed-health-metrics.ts';
import { registerFeedHealthRoutes, upstreamCheck } from './transport/http/feed-health-routes.ts';
import { PriceExtremes } from './analytics/price-extremes.ts';
import { SignalQualityService } from './analytics/signal-quality-service.ts';
import { recentClosedSystemTrades } from './analytics/closed-trade-source.ts';
import { BENCHMARK_SYMBOL, BenchmarkService } from './analytics/benchmark-service.ts';
import type { Server } from 'socket.io';
import { createIoServer } from './transport/socket/io-server.ts';
import { PublicStream } from './transport/socket/public-stream.ts';
import { namespaceSink, registerPublicNamespace } from './transport/socket/public-namespace.ts';
import { registerBotNamespace } from './transport/socket/bot-namespace.ts';
import { PublicLiveView } from './engine/public-live-view.ts';
import { inScope } from './privacy/trade-scope.ts';
import { UserRepository } from './persistence/user-repository.ts';
import { PasswordHasher, type ScryptParams } from './users/password-hasher.ts';
import { AccountService, DEFAULT_AUTH_LIMITS, type AuthLimits } from './users/account-service.ts';
import { ManualTradeService } from './users/manual-trade-service.ts';
import { UserTradeCaps } from './users/user-trade-caps.ts';
import { UserRequestLimit } from './users/user-request-limit.ts';
import { tradableSymbols } from './users/tradable-symbols.ts';
import { registerAuthRoutes } from './transport/http/auth-routes.ts';
import { registerUserRoutes } from './transport/http/user-routes.ts';
import { UserStreams } from './transport/socket/user-streams.ts';
import { registerMeNamespace } from './transport/socket/me-namespace.ts';

export const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface AppHandle {
  port: number;
  url: string;
  database: Database;
  engine: TradeEngine;
  book: OpenBook;
  /** For the cluster roles (server/cluster/): the Socket.IO server and the public stream. */
  io: Server;
  stream: PublicStream;
  /** /me streams (ROLE=engine also opens them for users connected to edges). */
  userStreams: UserStreams;
  /** Graceful stop (SPEC §7): not ready, stop listening, flush writes, close sockets, ORM and database. */
  close(): Promise<void>;
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
  adapter?: Parameters<Server['adapter']>[0];
  /** How often open sockets' tokens are checked for revocation (default 5 s). */
  tokenRecheckMs?: number;
}

export async function startApp(config: Config, opts: AppOptions): Promise<AppHandle> {
  const log = opts.log;
  const phases = new PhaseTimer();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: log });
  phases.lap('database');
  const orm = await initOrm(database.url, { logger: log });
  phases.lap('orm');
  const store = new StorePortAdapter(new PgTradeStore(orm, { logger: log, feeRate: config.feeRate }), orm);
  const queries = new TradeQueries(orm);
  const metrics = new AppMetrics();
  const events = new EngineEvents(log.child({ module: 'events' }));

  let engine: TradeEngine | null = null;
  const book = new OpenBook({
    feeRate: config.feeRate,
    listener: { closed: (c) => engine?.onBookClose(c) },
    onListenerError: (err) => log.error({ err }, 'book listener failed'),
  });
  // Reads that do not depend on the open trades run on other pool connections while the rows stream
  // (in sequence they were ~0.8 s of a 1M-trade start-up: PostgreSQL scanning while Node waited),
  // from when the book is sized: started sooner, they delay the count it is sized by. Nothing writes
  // during start-up: the feed and transport start after hydration.
  let startupReads: Promise<[TradeTotals, TradeJson[], TradeRow[]]> | undefined;
  const startReads = () => {
    if (!startupReads) {
      startupReads = Promise.all([
        store.systemTradeTotals(),
        queries.recentClosed(PUBLIC_SCOPE, RECENT_CLOSED_LIMIT),
        recentClosedSystemTrades(new SqlRunner(orm)),
      ]);
      startupReads.catch(() => {}); // awaited after hydration; not an unhandled rejection meanwhile
    }
    return startupReads;
  };
  const publicState = new PublicState();
  engine = new TradeEngine(book, store, events, publicState, { positionSize: config.positionSize, entryMode: config.entryMode }, log.child({ module: 'engine' }));
  const hydrated = await engine.hydrate({ sized: () => void startReads() });
  phases.lap('hydrate');
  const [totals, recentClosed, closedForAnalytics] = await startReads();
  publicState.load(totals, recentClosed);
  phases.lap('startupReads');
  // Trades open across a restart saw no prices while we were down: record the gap (SPEC §2).
  engine.markGaps(null);
  phases.lap('markGaps');
  log.info({ hydrated }, 'book hydrated');

  const staleness = new StalenessMonitor(config.priceStaleMs);
  const live = new PublicLiveView(engine, book, publicState, staleness, config.feeRate);

  // Transport
  const app = uWS.App();
  const io = createIoServer(app, config);
  if (opts.adapter) io.adapter(opts.adapter);
  const stream = new PublicStream(live, namespaceSink(io.of('/public')), { broadcastIntervalMs: config.broadcastIntervalMs });
  registerPublicNamespace(io, stream, { budget: config.snapshotBudget, log });
  events.subscribe(stream);
  events.subscribe({ closed: (t, userId) => inScope(PUBLIC_SCOPE, userId) && metrics.closes.inc({ status: t.status }) });
  // Signal-quality analytics: per-symbol price extremes (fed by ticks) queried once per close.
  const extremes = new PriceExtremes();
  const quality = new SignalQualityService(extremes);
  quality.hydrate(closedForAnalytics);
  events.subscribe({
    // Extremes are kept only for symbols with open system trades (below): a trade that starts a
    // symbol's ring seeds it with the price known at entry, so its range is complete from entry on.
    opened: (t, userId) => {
      if (!inScope(PUBLIC_SCOPE, userId)) return;
      const key = tradePriceKey(t);
      const last = book.lastPrice(key);
      if (last) extremes.record(key, last.price, Date.parse(t.entry_time));
    },
    closed: (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && quality.closed(t)),
  });
  // Live benchmark: market prices of the symbol and BTC at each system trade's open and close.
  const benchmark = new BenchmarkService(config.feeRate);
  events.subscribe({
    opened: (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && benchmark.opened(t)),
    closed: (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && benchmark.closedTrade(t)),
  });

  const feed: PriceFeed = createFeed(config, log);
  const tokens = new TokenRepository(orm);
  const auth = new TokenAuth(config.botToken, (hash) => tokens.findByHash(hash));
  const tokenWatch = new TokenWatch((hashes) => tokens.validHashes(hashes), log, opts.tokenRecheckMs);
  const botPort = {
    ingestSignal: async (payload: unknown, identity: Parameters<TradeEngine['ingestSignal']>[1]) => {
      // Shutting down: refuse new signals (nothing stored, retry elsewhere) so the final flush can drain.
      if (!accepting) throw new UnavailableError('shutting down: nothing was stored; retry');
      const end = metrics.commitLatency.startTimer();
      try {
        const ack = await engine!.ingestSignal(payload, identity);
        metrics.signals.inc({ result: ack.ok && ack.duplicate ? 'duplicate' : 'created' });
        return ack;
      } catch (err) {
        metrics.signals.inc({ result: 'error' });
        throw err;
      } finally {
        end();
      }
    },
    cancelSignal: (payload: unknown, identity: Parameters<TradeEngine['cancelSignal']>[1]) => engine!.cancelSignal(payload, identity),
    pushPrices: feed instanceof BotPriceFeed ? (payload: unknown) => feed.push(payload) : null,
  };
  registerBotNamespace(io, { auth, bot: botPort, log, signalsPerSecond: opts.signalsPerSecond ?? 2_000, tokens: tokenWatch });

  // Users: accounts, manual trades in the shared book, and their private /me streams.
  const users = new UserRepository(orm);
  const accounts = new AccountService(users, tokens, new PasswordHasher(opts.scrypt), {
    ...DEFAULT_AUTH_LIMITS,
    ...config.login,
    ...opts.authLimits,
  });
  const manualTrades = new ManualTradeService({
    insert: (t) => users.insertManualTrade(t),
    listTrades: (scope, q) => queries.listTrades(scope, q),
    getTrade: (scope, id) => queries.getTrade(scope, id),
    lastPrice: (key) => {
      const p = book.lastPrice(key);
      return p && { price: p.price, stale: staleness.isStale(key) };
    },
    tradable: tradableSymbols({
      feedName: feed.name,
      hasFreshPrice: (key) => staleness.hasFreshTick(key, Date.now()),
      hasPublicTrades: (key) => engine!.hasPublicTrades(key),
    }),
    caps: new UserTradeCaps(config.userLimits, (userId) => book.trades({ userId }).map((t) => symbolOfKey(t.symbol))),
    engine,
  });
  const userStreams = new UserStreams(
    {
      metricTrades: (scope) => queries.metricTrades(scope, {}, Date.now()),
      recentClosed: (scope, limit) => queries.recentClosed(scope, limit),
      openTrades: (scope) => engine!.openTrades(scope),
      lastPrice: (symbol) => book.lastPrice(symbol),
      unrealizedOf: (id) => book.unrealizedOf(id),
      isStale: (symbol) => staleness.isStale(symbol),
      feeRate: config.feeRate,
      emitToRoom: (room, event, payload) => io.of('/me').to(room).emit(event, payload),
    },
    { broadcastIntervalMs: config.broadcastIntervalMs },
  );
  events.subscribe(userStreams);
  registerMeNamespace(io, { auth, streams: userStreams, log, tokens: tokenWatch });

  let accepting = true;
  const router = publicRouter(config, log.child({ module: 'http' }));
  const ledgerDb = new SqlRunner(orm);
  let publicCloses = 0; // after quality/benchmark have seen the close (subscribed above)
  events.subscribe({ closed: (_t, userId) => void (inScope(PUBLIC_SCOPE, userId) && publicCloses++) });
  const publicReads = createPublicReads(queries, ledgerDb, config.publicReads, {
    compute: (ids) => ({ analytics: quality.compute(ids), benchmark: benchmark.compute(ids) }),
    version: () => publicCloses,
  });
  registerPublicRoutes(router, publicReads, live);
  const verifySchedule = new LedgerVerifySchedule({
    verify: () => verifyLedger(ledgerDb),
    head: () => ledgerHeadSeq(ledgerDb),
    intervalMs: config.ledgerVerifyIntervalMs,
    log: log.child({ module: 'ledger-verify' }),
  });
  registerLedgerRoutes(router, { page: (after, limit) => ledgerPage(ledgerDb, after, limit), verified: () => verifySchedule.current() });
  const feedHealth = new FeedHealth();
  // Public and /metrics: symbols with open system trades only (privacy wall).
  const feedHealthRows = () => feedHealth.rows(Date.now(), (s) => live.isPublicSymbol(s), (s) => staleness.isStale(s));
  const setFeedHealthGauges = feedHealthGauges(metrics.registry);
  // The upstream connection's own health (binance: silent sockets, refused subscriptions), public symbols only.
  const upstream = () => (hasHealthReport(feed) ? publicFeedHealth(feed.health(), (s) => live.isPublicSymbol(s)) : { fault: null, refused: 0 });
  registerFeedHealthRoutes(router, feedHealthRows, upstream);
  registerSignalRoutes(router, auth, botPort);
  registerAuthRoutes(router, accounts, { auth, revoke: (token) => tokens.revoke({ token, kind: 'user' }), revoked: () => void tokenWatch.sweep() });
  registerUserRoutes(
    router,
    auth,
    manualTrades,
    new UserRequestLimit({ perSecond: config.userLimits.requestsPerSecond, perMinute: config.userLimits.requestsPerMinute }),
  );
  registerOpsRoutes(
    router,
    {
      // ROLE=engine only runs this once it holds the leadership lock.
      info: config.role === 'engine' ? { role: 'engine', leader: true } : { role: config.role },
      checks: async () => ({
        accepting: accepting || 'shutting down',
        database: await reachable('database', () => store.ping(), log),
        book: true,
        // Public symbols only (open system trades): nothing a user holds moves readiness.
        feed: live.feedFresh(Date.now()) || `${live.publicStaleCount()} symbol(s) with open system trades have no fresh price`,
        feed_upstream: upstreamCheck(upstream()),
      }),
    },
    async () => {
      metrics.openTrades.set(engine!.openTrades(PUBLIC_SCOPE).length);
      // Not /me: how many users are connected is nothing the public may watch (privacy wall).
      for (const n of ['/public', '/bot']) metrics.viewers.set({ namespace: n }, io.of(n).sockets.size);
      // Public gauges count public symbols only (and BTCUSDT, which the benchmark needs).
      metrics.feedAge.set(live.feedAgeSeconds(Date.now(), [BENCHMARK_SYMBOL]));
      metrics.staleSymbols.set(live.publicStaleCount());
      const u = upstream();
      metrics.feedFault.set(u.fault ? 1 : 0);
      metrics.feedRefusedSubscriptions.set(u.refused);
      setFeedHealthGauges(feedHealthRows());
      return metrics.render();
    },
  );
  const statics = publicStatics(config, opts.webRoot ?? WEB_ROOT);
  router.otherwise((ex) => statics.serve(ex));
  router.mount(app);

  // Price feed → engine, with staleness tracking. Everything past here is per price key
  // (shared/price-key.ts, SPEC §10): a tick naming a market prices that market's key, one naming
  // none prices both keys of its symbol.
  await feed.start({
    tick: (symbol, price, ts, market) => {
      metrics.ticks.inc();
      const now = Date.now();
      for (const key of tickKeys(symbol, market)) {
        feedHealth.record(key, now);
        // Only keys with open system trades: their trades' closes are what the extremes are for.
        if (engine!.hasPublicTrades(key)) extremes.record(key, price, ts);
        benchmark.tick(key, price);
        if (staleness.seen(key, now)) events.staleness(key, false);
        engine!.tick(key, price, ts);
      }
    },
  });
  const watch = (): Set<string> => {
    const { spot, futures } = engine!.watchedMarkets();
    // BTC spot is always watched: the live benchmark's "holding BTC" needs its price.
    if (hasMarketWatch(feed)) feed.watchMarkets({ spot: new Set([...spot, BENCHMARK_SYMBOL]), futures });
    else feed.watch?.(new Set([...spot, ...futures, BENCHMARK_SYMBOL]));
    return engine!.watchedKeys();
  };
  const sweep = setInterval(() => {
    engine!.expireDue();
    const symbols = watch();
    const stale = new Set(staleness.sweep(Date.now(), symbols));
    if (stale.size > 0) engine!.markGaps(stale);
    for (const s of stale) events.staleness(s, true);
    extremes.prune((s) => engine!.hasPublicTrades(s));
  }, Math.min(1000, config.priceStaleMs));
  watch();
  verifySchedule.start();
  stream.start();
  userStreams.start();
  tokenWatch.start();

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (token) => (token ? resolve(token) : reject(new Error(`cannot listen on ${config.host}:${config.port}`))));
  });
  const port = uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket);
  phases.lap('transport');
  log.debug({ ms: phases.summary() }, 'start-up phases');
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      accepting = false;
      uWS.us_listen_socket_close(listenSocket);
      clearInterval(sweep);
      verifySchedule.stop();
      stream.stop();
      userStreams.stop();
      tokenWatch.stop();
      await feed.stop();
      const flushed = await engine!.flush(5_000);
      if (!flushed) log.error({ pending: engine!.pendingCloses }, 'shutdown: some closes were not written');
      await store.flush();
      io.close();
      metrics.stop();
      await orm.close(true).catch(() => {});
      await database.stop();
    })());

  return { port, url, database, engine, book, io, stream, userStreams, close };
}
