// ROLE=edge: serves /public, /me, REST reads and the page; holds no book. Live state comes from the
// engine through Redis (SnapshotMirror + relayed deltas, one mirror per /me user connected here);
// list and performance query PostgreSQL, as does /me's token check. A second composition root:
// it reuses the wiring modules (server/wiring/) for what it shares with ROLE=all.
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { ListedBots } from '../engine/listed-bots.ts';
import { SIGNAL_DOORS } from '../transport/http/signal-routes.ts';
import { BotRepository } from '../persistence/bot-repository.ts';
import { watchBotListing } from '../wiring/bot-listing.ts';
import uWS from 'uWebSockets.js';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openDatabase } from '../persistence/database.ts';
import { initOrm } from '../persistence/orm.ts';
import { TradeQueries } from '../queries/trade-queries.ts';
import { botTickerOf, createPublicReads } from '../queries/public-reads.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import { AppMetrics } from '../ops/metrics-registry.ts';
import { publicRouter } from '../transport/http/http-front.ts';
import { registerPublicRoutes } from '../transport/http/public-routes.ts';
import { registerCandleRoutes } from '../transport/http/candle-routes.ts';
import { CandleService } from '../candles/candle-service.ts';
import { PgCandleStore } from '../persistence/candle-store.ts';
import { reachable } from '../transport/http/ops-routes.ts';
import { createIoServer, meNamespace, publicNamespace } from '../transport/socket/io-server.ts';
import { registerPublicNamespace } from '../transport/socket/public-namespace.ts';
import { registerMeNamespace } from '../transport/socket/me-namespace.ts';
import { STREAM_ROOM } from '../transport/socket/public-stream.ts';
import { NAMESPACES } from '../../shared/socket-events.ts';
import { WEB_ROOT, type AppHandle } from '../app.ts';
import { wireTokens } from '../wiring/tokens.ts';
import { wireOps } from '../wiring/ops.ts';
import { listen, mountWithPage } from '../wiring/http-surface.ts';
import { shutdownSequence } from '../wiring/lifecycle.ts';
import { IntakeGate } from '../wiring/bot-ingest.ts';
import { connectRedisBus } from './redis-bus.ts';
import { redisSnapshotSource, SnapshotMirror } from './snapshot-mirror.ts';
import { tapRelayedDeltas } from './adapter-tap.ts';
import { EdgeUserStreams } from './edge-user-streams.ts';

/** What main.ts needs from any role. */
export type RoleHandle = Pick<AppHandle, 'port' | 'url' | 'database' | 'close'>;

export interface EdgeHandle extends RoleHandle {
  mirror: SnapshotMirror;
}

/** How long start-up waits for the engine's first snapshot before serving anyway (not ready). */
const FIRST_SNAPSHOT_WAIT_MS = 5_000;

export async function startEdge(config: Config, opts: { log: Logger; webRoot?: string }): Promise<EdgeHandle> {
  const log = opts.log.child({ role: 'edge' });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: log });
  // The engine owns the schema: edges never migrate (two processes racing migrations is a hazard).
  const orm = await initOrm(database.url, { logger: log, migrate: false });
  // SPEC §11: unlisted bots out of the all-bots record's SQL reads, as on the engine (wiring/bot-listing.ts).
  const listed = new ListedBots();
  const botRepo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
  const listing = watchBotListing(listed, () => botRepo.unlistedNames(), log);
  await listing.refresh();
  listing.start.run();
  const queries = new TradeQueries(orm, () => listed.excluded());
  const bus = await connectRedisBus({ url: config.redisUrl, clusterName: config.clusterName, log });
  const metrics = new AppMetrics();
  // Edges take no signals: "accepting" here only says whether the edge is shutting down.
  const serving = new IntakeGate();

  const app = uWS.App();
  const io = createIoServer(app, config);
  io.adapter(bus.adapter);
  const mirror = new SnapshotMirror(redisSnapshotSource(bus.client, bus.keys), log.child({ module: 'mirror' }));
  const publicNsp = publicNamespace(io);
  tapRelayedDeltas(publicNsp, (rooms, d) => rooms.includes(STREAM_ROOM) && mirror.onDelta(d));
  // /me: each connected user's stream mirrored from the engine (no bot token: edges take no signals).
  const meNsp = meNamespace(io);
  const userStreams = new EdgeUserStreams(meNsp, log.child({ module: 'edge-user-streams' }));
  tapRelayedDeltas(meNsp, (rooms, d) => userStreams.onDelta(rooms, d));
  // A user token revoked (logout on the engine, the CLI) disconnects its /me sockets here too.
  const tokens = wireTokens(orm, { botToken: undefined, log });
  registerMeNamespace(io, { auth: tokens.auth, streams: userStreams, log, tokens: tokens.watch });
  const reads = createPublicReads(queries, new SqlRunner(orm), config.publicReads, listed);
  const publicSnapshots = registerPublicNamespace(io, mirror, { budget: config.snapshotBudget, log, botTicker: botTickerOf(reads, mirror) });
  // A new engine: every viewer here gets its fresh snapshot at once (one local room publish),
  // without waiting for its first delta to reveal the new epoch.
  mirror.onRebuilt = () => {
    publicSnapshots.cache.invalidate(); // a rebuilt mirror may hold another state at the same seq
    publicNsp.local.to(STREAM_ROOM).emit('snapshot', mirror.snapshot());
    userStreams.rebuildAll();
  };
  await mirror.start(FIRST_SNAPSHOT_WAIT_MS);
  userStreams.start();
  tokens.watch.start();
  // Redis is back after an outage: user deltas relayed meanwhile may be lost and /me streams have no
  // head key to reveal it, so every user mirror asks the engine again (the public mirror polls its head).
  bus.client.on('ready', () => {
    log.info('redis connection restored: rebuilding /me mirrors');
    userStreams.rebuildAll();
  });

  const router = publicRouter(config, log.child({ module: 'http' }));
  registerPublicRoutes(router, reads, mirror);
  // Candles from the database only: the open minute lives in the engine's memory until its flush.
  registerCandleRoutes(
    router,
    new CandleService(new PgCandleStore(new SqlRunner(orm)), {
      retentionDays: config.candleRetentionDays,
      reads: { concurrency: config.publicReads.concurrency, queue: config.publicReads.queue },
      log,
    }),
  );
  // Bots talk to the engine; a misrouted one gets a retryable answer that says where to go.
  // Each signal door says where to go (JSON, text, TradingView).
  for (const path of SIGNAL_DOORS) {
    router.post(path, (ex) => {
      ex.json(503, { error: { code: 'UNAVAILABLE', message: 'this is an edge node (ROLE=edge): send signals to the engine; nothing was stored' } });
    });
  }
  wireOps(
    router,
    metrics,
    {
      info: { role: 'edge' },
      checks: async () => ({
        accepting: serving.open || 'shutting down',
        database: await reachable('database', () => orm.em.fork().getConnection().execute('select 1'), log),
        redis: bus.client.isReady || 'not connected',
        stream: mirror.synced || (mirror.everSynced ? 'rebuilding from the engine snapshot' : 'waiting for the engine snapshot'),
      }),
    },
    // Not /me: how many users are connected is nothing the public may watch (privacy wall).
    () => metrics.viewers.set({ namespace: NAMESPACES.public }, publicNsp.sockets.size),
  );
  mountWithPage(app, router, config, opts.webRoot ?? WEB_ROOT, (id) => queries.getTrade(PUBLIC_SCOPE, id));

  const listening = await listen(app, config.host, config.port);
  const close = shutdownSequence(
    [
      { name: 'not ready', run: () => serving.close() },
      { name: 'stop listening', run: () => uWS.us_listen_socket_close(listening.listenSocket) },
      { name: 'public mirror', run: () => mirror.stop() },
      listing.stop,
      { name: 'bot tickers', run: () => publicSnapshots.botTickers?.stop() },
      { name: 'user mirrors', run: () => userStreams.stop() },
      tokens.stop,
      { name: 'sockets', run: () => void io.close() },
      { name: 'metrics', run: () => metrics.stop() },
      { name: 'redis', run: () => bus.close() },
      { name: 'orm', run: () => orm.close(true) },
      { name: 'database', run: () => database.stop() },
    ],
    log,
  );
  return { port: listening.port, url: listening.url, database, mirror, close };
}
