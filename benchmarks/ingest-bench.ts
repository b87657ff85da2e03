// P5: durably acknowledged signals/s over /bot with 50 in flight: a bot process (BotClient) against
// the real app, whose store group-commits. Baseline: the same store SQL with one transaction per
// signal (PgTradeStore maxBatch 1), driven in-process with 50 concurrent callers — no socket costs,
// so the ratio is if anything understated.
import os from 'node:os';
import { knex } from '@mikro-orm/knex';
import { initOrm } from '../server/persistence/orm.ts';
import { PgTradeStore } from '../server/persistence/trade-store.ts';
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { warnIfFails } from './support/best-effort.ts';
import { startBot, startServerProc } from './support/fleet.ts';
import { embeddedPostgresCpuMs } from './support/proc-cpu.ts';

export interface IngestOptions {
  inFlight?: number;
  measureMs?: number;
}

export async function ingestBench(o: IngestOptions = {}): Promise<BenchResult> {
  const inFlight = o.inFlight ?? 50;
  const ms = o.measureMs ?? 5_000;
  const dbs = await benchDatabases();

  const url = await dbs.create('ingest');
  const server = await startServerProc('app', { databaseUrl: url });
  let ours: { rate: number; acked: number; failed: number; total: number; cpuUs: number };
  let perSignal: CpuPerSignal;
  let signalsPerCommit: number;
  try {
    const bot = await startBot(server);
    const [server0, pg0, tx0] = [await server.cpuUs(), embeddedPostgresCpuMs(), await commits(url)];
    ours = await bot.call('ingest', { inFlight, ms }, ms + 60_000);
    const [server1, pg1, tx1] = [await server.cpuUs(), embeddedPostgresCpuMs(), await commits(url)];
    signalsPerCommit = ours.total / (tx1 - tx0);
    perSignal = {
      server: (server1 - server0) / ours.total,
      postgres: dbs.kind === 'embedded PostgreSQL' ? ((pg1 - pg0) * 1000) / ours.total : null,
      bot: ours.cpuUs / ours.total,
    };
    await bot.stop();
  } finally {
    await server.child.stop();
  }

  const orm = await initOrm(await dbs.create('ingest1tx'));
  // The baseline as first measured: one signal per transaction, 4 transactions at once.
  const store = new PgTradeStore(orm, { maxBatch: 1, maxInFlight: 4 });
  let base: number;
  try {
    base = await oneTxPerSignal(store, inFlight, Math.min(ms, 3_000));
  } finally {
    await store.flush();
    await orm.close(true);
  }
  return {
    name: 'ingest (P5)',
    notes: [
      `${inFlight} signals in flight from one bot process; ${dbs.kind}; ours ${ours.acked.toLocaleString('en')} acked, ${ours.failed} refused in ${ms / 1000} s`,
      'baseline: PgTradeStore with maxBatch 1 (one transaction per signal, 4 in flight), 50 concurrent in-process callers',
      cpuNote(perSignal),
      `${signalsPerCommit.toFixed(1)} acked signals per committed transaction of the database (pg_stat_database, every transaction counted: the batch size, at most)`,
    ],
    rows: [
      {
        id: rowId('ingest', 'P5'),
        measure: `P5 acked signals/s, ${inFlight} in flight (vs one transaction per signal)`,
        ours: ours.rate,
        baseline: base,
        ratio: ours.rate / base,
        goal: '≥ 15,000 and ≥ 10×',
        ok: ours.rate >= 15_000 && ours.rate / base >= 10,
      },
    ],
  };
}

/** Committed transactions of the database at `url` so far (the statistics are flushed before reading). */
async function commits(url: string): Promise<number> {
  const k = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    // PostgreSQL < 15 has no such function: the count then lags by up to the stats interval.
    await k.raw('select pg_stat_force_next_flush()').catch(warnIfFails('pg_stat_force_next_flush'));
    const rows = (await k.raw('select xact_commit::text as n from pg_stat_database where datname = current_database()')) as { rows: { n: string }[] };
    return Number(rows.rows[0]!.n);
  } finally {
    await k.destroy();
  }
}

/** CPU µs each acked signal cost, by process (load-independent, unlike the rate). */
interface CpuPerSignal {
  server: number;
  /** null when PostgreSQL is not the embedded server this run started. */
  postgres: number | null;
  bot: number;
}

function cpuNote(c: CpuPerSignal): string {
  const us = (v: number): string => `${Math.round(v)} µs`;
  const sum = c.server + (c.postgres ?? 0) + c.bot;
  const bound = Math.round((os.availableParallelism() * 1e6) / sum).toLocaleString('en');
  return (
    `CPU per acked signal (warm-up and drain included): server ${us(c.server)}, PostgreSQL ${c.postgres === null ? 'n/a (not embedded)' : us(c.postgres)}, ` +
    `bot ${us(c.bot)}; all ${us(sum)} → at most ${bound}/s on ${os.availableParallelism()} cores with every core busy`
  );
}

async function oneTxPerSignal(store: PgTradeStore, inFlight: number, ms: number): Promise<number> {
  let done = 0;
  let stop = false;
  let seq = 0;
  const lane = async () => {
    while (!stop) {
      const i = seq++;
      await store.ingestSignal(
        {
          external_id: `base-${i}`,
          source: 'bench',
          symbol: `ING${i % 500}USDT`,
          direction: 'LONG',
          timeframe: '1h',
          entry: 100,
          tp: 110,
          sl: 95,
          confidence: 0.5,
          market_type: 'SPOT',
          leverage: 1,
        },
        { positionSize: 100, now: new Date() },
      );
      done++;
    }
  };
  const lanes = Array.from({ length: inFlight }, lane);
  await new Promise((r) => setTimeout(r, 500));
  const d0 = done;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const rate = (done - d0) / ((performance.now() - t0) / 1000);
  stop = true;
  await Promise.all(lanes);
  return rate;
}
