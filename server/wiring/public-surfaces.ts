// The public surfaces: the /public stream and namespace, public REST (list, summary, performance),
// the ledger routes and their background verification, and feed health. System trades only.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EngineCore } from './engine-core.ts';
import { hasHealthReport, publicFeedHealth, type PriceFeed } from '../feeds/price-feed.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import { botTickerOf, createPublicReads } from '../queries/public-reads.ts';
import { ledgerBotShare, ledgerHeadSeq, ledgerPage, verifyLedger } from '../persistence/ledger-reads.ts';
import { LedgerVerifySchedule } from '../ledger/verify-schedule.ts';
import { FeedHealth, type FeedHealthRow } from '../analytics/feed-health.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { registerPublicRoutes } from '../transport/http/public-routes.ts';
import { registerLedgerRoutes } from '../transport/http/ledger-routes.ts';
import { CheckpointStore } from '../persistence/checkpoint-store.ts';
import { registerFeedHealthRoutes, type UpstreamHealth } from '../transport/http/feed-health-routes.ts';
import { publicNamespace, type IoServer } from '../transport/socket/io-server.ts';
import { PublicStream } from '../transport/socket/public-stream.ts';
import { namespaceSink, registerPublicNamespace } from '../transport/socket/public-namespace.ts';
import { BotStreams } from '../transport/socket/bot-streams.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import type { AnalyticsWiring } from './analytics.ts';
import { wireCandles, type CandlesWiring } from './candles.ts';
import type { Consumer } from './engine-consumers.ts';
import type { Job, Step } from './lifecycle.ts';
import type { TickArgs } from './tick-fanout.ts';

export interface PublicSurfaces {
  stream: PublicStream;
  /** The stream's consumer (it checks the wall itself where events land). */
  consumer: Consumer;
  /** Per-bot streams' consumer (SPEC §11 `auth: {bot}`; bot-streams.ts routes system trades only). */
  botStreamsConsumer: Consumer;
  /** Per-key tick job: feed health counts every key's ticks. */
  feedHealthJob: Job<TickArgs>;
  feedHealthRows(): FeedHealthRow[];
  upstream: UpstreamHealth;
  /** Candles (SPEC §13): tick job, sweep job and shutdown flush for the composition root. */
  candles: CandlesWiring;
  start: Step[];
  stop: Step[];
}

export function wirePublicSurfaces(d: {
  config: Config;
  log: Logger;
  core: Pick<EngineCore, 'orm' | 'queries' | 'live' | 'staleness' | 'engine' | 'book' | 'listed'>;
  io: IoServer;
  router: HttpRouter;
  feed: PriceFeed;
  analytics: AnalyticsWiring['extras'];
  performanceSource?: AnalyticsWiring['performanceSource'];
}): PublicSurfaces {
  const { config, log, core, router } = d;
  const { live, staleness } = core;
  const publicNsp = publicNamespace(d.io);
  const stream = new PublicStream(live, namespaceSink(publicNsp), { broadcastIntervalMs: config.broadcastIntervalMs });
  const ledgerDb = new SqlRunner(core.orm);
  const reads = createPublicReads(core.queries, ledgerDb, config.publicReads, core.listed, d.analytics, d.performanceSource);
  const botStreams = new BotStreams(
    {
      metricTrades: (bot) => core.queries.metricTrades(PUBLIC_SCOPE, { bot }, Date.now()),
      recentClosed: (bot, n) => reads.recentClosed(bot, n),
      openSystemTrades: () => core.engine.openTrades(PUBLIC_SCOPE),
      lastPrice: (key) => core.book.lastPrice(key),
      unrealizedOf: (id) => core.engine.unrealizedOf(id),
      isStale: (key) => staleness.isStale(key),
      feeRate: config.feeRate,
      // This node's viewers only: an edge serves no bot stream, so nothing is relayed to one.
      emitToRoom: (room, event, payload) => publicNsp.local.to(room).emit(event, payload),
    },
    { broadcastIntervalMs: config.broadcastIntervalMs },
  );
  const { botTickers } = registerPublicNamespace(d.io, stream, {
    budget: config.snapshotBudget,
    log,
    botTicker: botTickerOf(reads, live),
    botStreams: {
      exists: async (bot) => (await reads.bots.find(bot)).bot !== null,
      acquire: (bot) => botStreams.acquire(bot),
      release: (bot) => botStreams.release(bot),
    },
  });
  registerPublicRoutes(router, reads, live);
  const verifySchedule = new LedgerVerifySchedule({
    verify: () => verifyLedger(ledgerDb),
    head: () => ledgerHeadSeq(ledgerDb),
    intervalMs: config.ledgerVerifyIntervalMs,
    log: log.child({ module: 'ledger-verify' }),
  });
  const checkpointStore = new CheckpointStore((sql, b) => ledgerDb.query(sql, b));
  registerLedgerRoutes(router, {
    page: (after, limit, bot) => ledgerPage(ledgerDb, after, limit, bot),
    botShare: (bot) => ledgerBotShare(ledgerDb, bot),
    verified: () => verifySchedule.current(),
    key: () => checkpointStore.currentKey(),
    checkpoints: (after, limit) => checkpointStore.page(after, limit),
    latestCheckpoint: () => checkpointStore.latest(),
  });

  const feedHealth = new FeedHealth();
  // Public and /metrics: symbols with open system trades only (privacy wall).
  const feedHealthRows = () =>
    feedHealth.rows(
      Date.now(),
      (s) => live.isPublicSymbol(s),
      (s) => staleness.isStale(s),
    );
  // The upstream connection's own health (binance: silent sockets, refused subscriptions), public symbols only.
  const feed = d.feed;
  const upstream: UpstreamHealth = () => (hasHealthReport(feed) ? publicFeedHealth(feed.health(), (s) => live.isPublicSymbol(s)) : { fault: null, refused: 0 });
  registerFeedHealthRoutes(router, feedHealthRows, upstream);
  const candles = wireCandles({ config, log, core, router, stream });

  return {
    stream,
    consumer: { name: 'public-stream', listener: stream },
    botStreamsConsumer: { name: 'bot-streams', listener: botStreams },
    feedHealthJob: { name: 'feed-health', run: (key, _price, _ts, now) => feedHealth.record(key, now) },
    feedHealthRows,
    upstream,
    candles,
    start: [
      { name: 'ledger verification', run: () => verifySchedule.start() },
      { name: 'public stream', run: () => stream.start() },
      { name: 'bot streams', run: () => botStreams.start() },
    ],
    stop: [
      { name: 'ledger verification', run: () => verifySchedule.stop() },
      { name: 'public stream', run: () => stream.stop() },
      { name: 'bot tickers', run: () => botTickers?.stop() },
      { name: 'bot streams', run: () => botStreams.stop() },
    ],
  };
}
