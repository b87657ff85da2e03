// The engine's core as the composition root builds it: database → ORM → store → book → engine,
// hydrated from the store with the start-up reads beside it, then the live public view.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase, type Database } from '../persistence/database.ts';
import { initOrm } from '../persistence/orm.ts';
import { PgTradeStore } from '../persistence/trade-store.ts';
import { StorePortAdapter } from '../persistence/store-port-adapter.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import type { TradeRow } from '../persistence/rows.ts';
import { OpenBook } from '../book/open-book.ts';
import { EngineEvents } from '../engine/engine-events.ts';
import { PublicState, RECENT_CLOSED_LIMIT } from '../engine/public-state.ts';
import { TradeEngine } from '../engine/trade-engine.ts';
import { StalenessMonitor } from '../engine/staleness-monitor.ts';
import { PublicLiveView } from '../engine/public-live-view.ts';
import { TradeQueries } from '../queries/trade-queries.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { ListedBots } from '../engine/listed-bots.ts';
import { recentClosedSystemTrades, settledSystemMetricTrades } from '../analytics/closed-trade-source.ts';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import { PhaseTimer } from '../ops/phase-timer.ts';

export interface EngineCore {
  database: Database;
  orm: MikroORM;
  store: StorePortAdapter;
  queries: TradeQueries;
  events: EngineEvents;
  book: OpenBook;
  engine: TradeEngine;
  publicState: PublicState;
  /** SPEC §11: which bots the all-bots record counts (unlisted ones out). */
  listed: ListedBots;
  staleness: StalenessMonitor;
  live: PublicLiveView;
  /** Recent closed system trades, for the signal-quality analytics to start from. */
  closedForAnalytics: TradeRow[];
  /** Every settled system trade, for the in-memory performance record (server/analytics/public-trade-record.ts). */
  settledForPerformance: MetricTrade[];
  phases: PhaseTimer;
}

export async function startEngineCore(config: Config, log: Logger): Promise<EngineCore> {
  const phases = new PhaseTimer();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: log });
  phases.lap('database');
  const orm = await initOrm(database.url, { logger: log });
  phases.lap('orm');
  const store = new StorePortAdapter(new PgTradeStore(orm, { logger: log, feeRate: config.feeRate }), orm);
  // SPEC §11: the all-bots record's bots (unlisted ones out), kept by the listing watch (wiring/bot-listing.ts).
  const listed = new ListedBots();
  const queries = new TradeQueries(orm, () => listed.excluded());
  const events = new EngineEvents(log.child({ module: 'events' }));
  const publicState = new PublicState();
  // The book reports its closes to the engine that owns it: the listener refers to `engine`, made
  // on the next line. Nothing can close before then: the book is empty until engine.hydrate().
  const book = new OpenBook({
    feeRate: config.feeRate,
    listener: { closed: (c) => engine.onBookClose(c) },
    onListenerError: (err) => log.error({ err }, 'book listener failed'),
  });
  const engine = new TradeEngine(
    book,
    store,
    events,
    publicState,
    { positionSize: config.positionSize, entryMode: config.entryMode },
    log.child({ module: 'engine' }),
  );

  // Reads that do not depend on the open trades run on other pool connections while the rows stream
  // (in sequence they were ~0.8 s of a 1M-trade start-up: PostgreSQL scanning while Node waited),
  // from when the book is sized: started sooner, they delay the count it is sized by. Nothing writes
  // during start-up: the feed and transport start after hydration.
  const reads = new StartupReads(() =>
    Promise.all([
      store.systemTradeTotals(),
      queries.recentClosed(PUBLIC_SCOPE, RECENT_CLOSED_LIMIT),
      recentClosedSystemTrades(new SqlRunner(orm)),
      settledSystemMetricTrades(new SqlRunner(orm)),
    ] as const),
  );
  const hydrated = await engine.hydrate({ sized: () => reads.start() });
  phases.lap('hydrate');
  const [totals, recentClosed, closedForAnalytics, settledForPerformance] = await reads.start();
  publicState.load(totals, recentClosed);
  phases.lap('startupReads');
  // Trades open across a restart saw no prices while we were down: record the gap (SPEC §2).
  engine.markGaps(null);
  phases.lap('markGaps');
  log.info({ hydrated }, 'book hydrated');

  const staleness = new StalenessMonitor(config.priceStaleMs);
  const live = new PublicLiveView(engine, book, publicState, staleness, config.feeRate, listed);
  return { database, orm, store, queries, events, book, engine, publicState, staleness, live, listed, closedForAnalytics, settledForPerformance, phases };
}

/** Reads started once (by whichever asks first) and awaited after hydration. */
class StartupReads<T> {
  private pending: Promise<T> | null = null;

  constructor(private readonly read: () => Promise<T>) {}

  start(): Promise<T> {
    if (!this.pending) {
      const p = this.read();
      // Awaited after hydration, which reports a failure; until then it must not count as unhandled.
      p.then(undefined, (err: unknown) => void err);
      this.pending = p;
    }
    return this.pending;
  }
}
