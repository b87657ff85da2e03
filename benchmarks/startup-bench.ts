// P6: start-up hydration of N open trades (default 1,000,000 over 1,000 symbols): the real app
// (`startApp`, in its own process) from spawn to listening, and its peak RSS (VmHWM). Baseline: the
// same trades loaded as MikroORM entities into the same book. The database is seeded with SQL.
import { withAdmin } from '../server/persistence/database.ts';
import { initOrm } from '../server/persistence/orm.ts';
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { spawnChild } from './support/child.ts';
import { startServerProc } from './support/fleet.ts';

export interface StartupOptions {
  trades?: number;
  /** Rows the (slow) MikroORM baseline loads; its time is scaled to `trades`. */
  baselineTrades?: number;
}

const MB = 1024 * 1024;

export async function startupBench(o: StartupOptions = {}): Promise<BenchResult> {
  const n = o.trades ?? 1_000_000;
  const dbs = await benchDatabases();
  const url = await dbs.create('startup');
  const seedStarted = performance.now();
  await seedOpenTrades(url, n);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const t0 = performance.now();
  const server = await startServerProc('app', { databaseUrl: url });
  const spawnToReady = performance.now() - t0;
  const ours = { ms: server.startMs, peak: (await server.rss()).peakRss };
  await server.child.stop();

  const sample = Math.min(n, o.baselineTrades ?? 200_000);
  const orm = spawnChild('./orm-hydrate-proc.ts', [url, String(sample)]);
  const r = await orm.ready;
  await orm.stop();
  const loaded = r.loaded as number;
  const base = { ms: ((r.startMs as number) * n) / loaded, peak: r.peakRss as number, loaded };

  return {
    name: 'start-up hydration (P6)',
    notes: [
      `${n.toLocaleString('en')} open system trades over 1,000 symbols (seeded in ${seedSeconds.toFixed(1)} s); ${dbs.kind}`,
      `ours: startApp() ${(ours.ms / 1000).toFixed(2)} s (spawn → listening ${(spawnToReady / 1000).toFixed(2)} s, incl. loading Node modules); baseline: MikroORM entities (fork per 10,000-row page) into the same book, ${base.loaded.toLocaleString('en')} rows loaded and the time scaled to ${n.toLocaleString('en')} (its RSS is for the rows loaded)`,
    ],
    rows: [
      {
        id: rowId('startup', 'P6'),
        measure: `P6 start-up seconds, ${n.toLocaleString('en')} open trades (vs MikroORM entities)`,
        ours: ours.ms / 1000,
        baseline: base.ms / 1000,
        ratio: base.ms / ours.ms,
        goal: '≤ 5 s',
        ok: ours.ms <= 5_000,
      },
      {
        id: rowId('startup', 'P6.rss'),
        measure: 'P6 peak RSS MB (vs MikroORM entities)',
        ours: ours.peak / MB,
        baseline: base.peak / MB,
        ratio: base.peak / ours.peak,
        goal: '≤ 768 MB',
        ok: ours.peak <= 768 * MB,
      },
    ],
  };
}

/** Migrates, then inserts `n` signals and their OPEN system trades with set-based SQL. */
export async function seedOpenTrades(url: string, n: number): Promise<void> {
  const orm = await initOrm(url);
  await orm.close(true);
  await withAdmin(url, async (k) => {
    await k.raw(
      `insert into signals (id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type, leverage, status, created_at)
      overriding system value
      select g, 'seed-' || g, 'bench', 'S' || lpad((g % 1000)::text, 4, '0') || 'USDT',
             case when g % 2 = 0 then 'LONG' else 'SHORT' end, '1h', 100, case when g % 2 = 0 then 200 else 50 end,
             case when g % 2 = 0 then 50 else 200 end, 0.5, 'SPOT', 1, 'EXECUTED', now() - interval '1 day'
      from generate_series(1, ?) g`,
      [n],
    );
    await k.raw(`insert into paper_trades (signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage,
        entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status, created_at, updated_at, bot)
      select id, null, symbol, direction, market_type, timeframe, confidence, leverage, entry, created_at, 100, 1, tp, sl, 'OPEN', created_at, created_at, source
      from signals where source = 'bench'`);
    await k.raw(`select setval(pg_get_serial_sequence('signals', 'id'), ?)`, [n]);
    await k.raw('analyze');
  });
}
