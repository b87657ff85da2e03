// P9: `performance/` with the SPEC §12 risk and calendar metrics at 100,000 closed system trades
// from 10 signal sources, in-process, in one run: (a) warm requests (the cached body for the
// (filters, tz, version) asked, four such in turn), (b) the first request after each new close
// (a full recompute from the in-memory record, server/analytics/public-trade-record.ts), against
// (c) the SQL recompute it replaces (every close bumped the version, and each read loaded every
// system trade from PostgreSQL before folding it). Both with the server's signal-quality and
// benchmark extras. Money and rounding as the server serves them. P9.http: the real app (startApp,
// uWS) in its own process on the same database, asked over loopback by a keep-alive client in
// another process once the server's start-up work is over, with the default `equity_points` and with `equity_points=all`.
import { initOrm } from '../server/persistence/orm.ts';
import { withAdmin } from '../server/persistence/database.ts';
import { SqlRunner } from '../server/persistence/sql-runner.ts';
import { TRADE_COLUMNS, tradeRowFromDb } from '../server/persistence/rows.ts';
import { tradeRowToJson } from '../server/persistence/trade-mapper.ts';
import { TradeQueries } from '../server/queries/trade-queries.ts';
import { PUBLIC_SCOPE } from '../server/privacy/trade-scope.ts';
import { PerformanceCache } from '../server/analytics/performance-cache.ts';
import { PublicTradeRecord } from '../server/analytics/public-trade-record.ts';
import { recentClosedSystemTrades, settledSystemMetricTrades } from '../server/analytics/closed-trade-source.ts';
import { SignalQualityService } from '../server/analytics/signal-quality-service.ts';
import { BenchmarkService } from '../server/analytics/benchmark-service.ts';
import { PriceExtremes } from '../server/analytics/price-extremes.ts';
import { performanceQuerySchema, type PerformanceQuery } from '../shared/metrics/index.ts';
import type { TradeJson } from '../shared/protocol-types.ts';
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { percentile, startServerProc } from './support/fleet.ts';
import { seedSystemTrades } from './support/seed-system-trades.ts';
import { spawnChild } from './support/child.ts';
import { DEFAULT_EQUITY_POINTS } from '../shared/metrics/equity-curve.ts';

export interface RiskOptions {
  /** Closed trades wanted (the seed closes 19 of 20). */
  closed?: number;
}

// The server's defaults (PERFORMANCE_CACHE_ENTRIES, PERFORMANCE_CACHE_MB, PUBLIC_READ_CONCURRENCY, PUBLIC_READ_QUEUE).
const LIMITS = { maxEntries: 64, maxBytes: 64 * 1024 * 1024, maxConcurrent: 1, maxWaiting: 32 };
const SOURCES = 10;

async function timedMs(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function riskBench(o: RiskOptions = {}): Promise<BenchResult> {
  const closedWanted = o.closed ?? 100_000;
  const total = Math.ceil((closedWanted * 20) / 19);
  const url = await (await benchDatabases()).create('risk');
  await seedSystemTrades(url, total);
  // Ten signal sources (the coming `bot` filter); spread over 270 days so the calendar has months.
  await withAdmin(url, async (k) => {
    await k.raw(`update signals set source = 'bot-' || (id % ?)`, [SOURCES]);
    await k.raw(`update paper_trades set entry_time = entry_time - (id % 270) * interval '1 day', exit_time = exit_time - (id % 270) * interval '1 day'`);
  });
  const orm = await initOrm(url);
  try {
    const db = new SqlRunner(orm);
    const queries = new TradeQueries(orm);
    const openRows = await db.query(`select ${TRADE_COLUMNS} from paper_trades where user_id is null and status in ('OPEN', 'PENDING')`);
    const open: TradeJson[] = openRows.map((r) => tradeRowToJson(tradeRowFromDb(r)));
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const record = new PublicTradeRecord(() => open);
    const settled = await settledSystemMetricTrades(db);
    record.hydrate(settled);
    gc?.();
    const recordBytes = process.memoryUsage().heapUsed - heapBefore;
    // The extras the server adds (signal quality, benchmark), on both sides, as wireAnalytics builds them.
    const quality = new SignalQualityService(new PriceExtremes());
    quality.hydrate(await recentClosedSystemTrades(db));
    const benchmark = new BenchmarkService(0.001);
    const extras = { compute: (ids: number[]) => ({ analytics: quality.compute(ids), benchmark: benchmark.compute(ids) }), version: () => 0 };
    const memory = new PerformanceCache(record.source(), LIMITS, extras);
    let sqlVersion = 0;
    const sql = new PerformanceCache(
      { version: async () => ++sqlVersion, metricTrades: (f, now) => queries.metricTrades(PUBLIC_SCOPE, f, now) },
      LIMITS,
      extras,
    );
    const q = (s: Record<string, string>): PerformanceQuery => performanceQuerySchema.parse(s);
    const asks = [q({}), q({ tz: 'Asia/Tokyo' }), q({ tz: 'America/New_York', direction: 'LONG' }), q({ symbol: 'S007USDT' })];
    const unrealized = () => 0;

    // A close to add: an open trade's terms, closed one minute after the latest close.
    let nextId = 10_000_000;
    let lastExit = Math.max(...settled.map((t) => t.exit_time ?? 0));
    const template = open[0]!;
    const close = (): void => {
      lastExit += 60_000;
      const pl = nextId % 3 === 0 ? -4.2 : 6.1;
      record.closed({
        ...template,
        id: nextId++,
        status: pl > 0 ? 'CLOSED_TP' : 'CLOSED_SL',
        exit_time: new Date(lastExit).toISOString(),
        exit_price: 100,
        profit_loss: pl,
        fees: 0.2,
      });
    };

    for (let i = 0; i < 3; i++) for (const a of asks) await memory.body(a, unrealized); // JIT and the zones' hour caches
    const warm: number[] = [];
    for (let i = 0; i < 400; i++) warm.push(await timedMs(() => memory.body(asks[i % asks.length]!, unrealized)));
    const afterClose: number[] = [];
    for (let i = 0; i < 40; i++) {
      close();
      afterClose.push(await timedMs(() => memory.body(asks[i % 2]!, unrealized)));
    }
    const fromSql: number[] = [];
    await sql.body(asks[0]!, unrealized);
    for (let i = 0; i < 12; i++) fromSql.push(await timedMs(() => sql.body(asks[i % 2]!, unrealized)));
    const json = (await memory.body(asks[1]!, unrealized)).body.toString('utf8');
    const httpQueries = ['', '?tz=Asia/Tokyo', '?tz=America/New_York&direction=LONG', '?symbol=S007USDT'];
    const { http, httpBytes, full, fullBytes, startupMs, loopP99, loopMax, gc: serverGc, cache } = await httpWarm(url, httpQueries);
    const body = JSON.parse(json) as { closed_trades: number; daily: unknown[]; monthly: unknown[]; sharpe: number | null; equity_curve_full_points: number };

    // percentile() takes a percentage (95, not 0.95).
    const at = (xs: number[], p: number) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        p,
      );
    const meanUs = (xs: number[]) => ((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000).toFixed(0);
    const warmP95 = at(warm, 95);
    const closeP95 = at(afterClose, 95);
    const sqlP95 = at(fromSql, 95);
    return {
      name: `P9 performance/ risk metrics, ${body.closed_trades.toLocaleString('en')} closed system trades, ${SOURCES} sources, ${body.daily.length} days`,
      notes: [
        gc
          ? `in-memory record: ${(recordBytes / 1e6).toFixed(1)} MB heap for ${settled.length.toLocaleString('en')} settled trades (${Math.round(recordBytes / settled.length)} B each)`
          : 'no --expose-gc: record memory not measured',
        `warm: ${warm.length} requests over ${asks.length} (filters, tz) in turn: p50 ${at(warm, 50).toFixed(3)} ms, p95 ${warmP95.toFixed(3)} ms, max ${at(warm, 100).toFixed(3)} ms, mean ${meanUs(warm)} µs/request`,
        `after each close (${afterClose.length}): p50 ${at(afterClose, 50).toFixed(1)} ms, p95 ${closeP95.toFixed(1)} ms, mean ${meanUs(afterClose)} µs/request`,
        `over HTTP (the real app in its own process on the same database, a keep-alive client in another process, ${http.length} warm requests, default equity_points=${DEFAULT_EQUITY_POINTS} of ${body.equity_curve_full_points.toLocaleString('en')} points, bodies ${kb(httpBytes)} read in full): p50 ${at(http, 50).toFixed(2)} ms, p95 ${at(http, 95).toFixed(2)} ms, mean ${meanUs(http)} µs/request, ${(sqlP95 / at(http, 95)).toFixed(0)}× the SQL recompute's p95`,
        `HTTP server: measured after its start-up work (${(startupMs / 1000).toFixed(1)} s: the first ledger verification, awaited through GET /api/public/ledger/verify); its event-loop delay while measured: p99 ${loopP99.toFixed(1)} ms, max ${loopMax.toFixed(1)} ms; ${serverGc}; x-cache ${JSON.stringify(cache)}`,
        `over HTTP with equity_points=all (full resolution opt-in, ${full.length} warm requests, bodies ${kb(fullBytes)}): p50 ${at(full, 50).toFixed(1)} ms, p95 ${at(full, 95).toFixed(1)} ms, mean ${meanUs(full)} µs/request`,
        `SQL recompute (${fromSql.length}): p50 ${at(fromSql, 50).toFixed(1)} ms, p95 ${sqlP95.toFixed(1)} ms, mean ${meanUs(fromSql)} µs/request; body ${(json.length / 1e6).toFixed(2)} MB, ${body.monthly.length} months, sharpe ${String(body.sharpe)}`,
      ],
      rows: [
        {
          id: rowId('risk', 'P9'),
          measure: 'p95 ms, warm performance/ with risk metrics (vs SQL recompute)',
          ours: warmP95,
          baseline: sqlP95,
          ratio: sqlP95 / warmP95,
          goal: '≤ 50 ms and ≥ 20×',
          ok: warmP95 <= 50 && sqlP95 / warmP95 >= 20,
        },
        {
          id: rowId('risk', 'P9.http'),
          measure: 'p95 ms, warm performance/ over loopback HTTP from the real app, client in another process, body read (vs SQL recompute in-process)',
          ours: at(http, 95),
          baseline: sqlP95,
          ratio: sqlP95 / at(http, 95),
          goal: '≤ 50 ms and ≥ 20×',
          ok: at(http, 95) <= 50 && sqlP95 / at(http, 95) >= 20,
        },
        {
          id: rowId('risk', 'P9.after-close'),
          measure: 'p95 ms, first performance/ after a new close: in-memory recompute (vs SQL recompute)',
          ours: closeP95,
          baseline: sqlP95,
          ratio: sqlP95 / closeP95,
          goal: 'informative (≤ 50 ms)',
          ok: null,
        },
      ],
    };
  } finally {
    await orm.close(true);
  }
}

const kb = (xs: number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${(lo / 1000).toFixed(1)} kB` : `${(lo / 1000).toFixed(1)}–${(hi / 1000).toFixed(1)} kB`;
};

/**
 * The real app on `url` in its own process (PRICE_FEED=bot: no ticks, nothing closes), asked by a
 * client in another process over loopback: warm performance/ requests, queries in turn, with the
 * default bound on the equity curve and with `equity_points=all`.
 */
async function httpWarm(
  url: string,
  queries: string[],
): Promise<{
  http: number[];
  httpBytes: number[];
  full: number[];
  fullBytes: number[];
  startupMs: number;
  loopP99: number;
  loopMax: number;
  gc: string;
  cache: Record<string, number>;
}> {
  const t0 = performance.now();
  const server = await startServerProc('app', { databaseUrl: url, httpRateLimit: '0' });
  const client = spawnChild('./http-get-proc.ts', []);
  try {
    await client.ready;
    // Warm means the steady state: the start-up ledger verification (seconds of hashing on the
    // server's loop at 100k trades) is over. This answers once that first run has finished.
    const verify = await fetch(`${server.url}/api/public/ledger/verify`);
    if (!verify.ok) throw new Error(`ledger/verify: HTTP ${verify.status}`);
    await verify.text();
    const startupMs = performance.now() - t0;
    const base = `${server.url}/api/public/paper-trading/performance/`;
    const urls = queries.map((q) => base + q);
    const fullUrls = queries.map((q) => `${base}${q === '' ? '?' : `${q}&`}equity_points=all`);
    type Got = { ms: number[]; bytes: number[]; cache: Record<string, number> };
    // Computes each answer once (and warms the JIT on both sides), then measures.
    await client.call<Got>('get', { urls: [...urls, ...fullUrls], n: 3 * (urls.length + fullUrls.length) });
    await server.child.call('loopDelay', { reset: true });
    const bounded = await client.call<Got>('get', { urls, n: 400 });
    const loop = await server.child.call<{ p99: number; max: number; gcCount: number; gcTotalMs: number; gcMaxMs: number }>('loopDelay', { reset: true });
    const fullRes = await client.call<Got>('get', { urls: fullUrls, n: 100 });
    return {
      http: bounded.ms,
      httpBytes: bounded.bytes,
      full: fullRes.ms,
      fullBytes: fullRes.bytes,
      startupMs,
      loopP99: loop.p99,
      loopMax: loop.max,
      gc: `${loop.gcCount} GCs, ${loop.gcTotalMs.toFixed(0)} ms in all, longest ${loop.gcMaxMs.toFixed(1)} ms`,
      cache: bounded.cache,
    };
  } finally {
    await client.stop();
    await server.child.stop();
  }
}
