// P5: durably acknowledged signals/s over /bot with 50 in flight: a bot process (BotClient) against
// the real app, whose store group-commits. Baseline: the same store SQL with one transaction per
// signal (PgTradeStore maxBatch 1), driven in-process with 50 concurrent callers — no socket costs,
// so the ratio is if anything understated.
import { initOrm } from '../server/persistence/orm.ts';
import { PgTradeStore } from '../server/persistence/trade-store.ts';
import type { BenchResult } from './run.ts';
import { benchDatabases } from './support/bench-db.ts';
import { startBot, startServerProc } from './support/fleet.ts';

export interface IngestOptions {
  inFlight?: number;
  measureMs?: number;
}

export async function ingestBench(o: IngestOptions = {}): Promise<BenchResult> {
  const inFlight = o.inFlight ?? 50;
  const ms = o.measureMs ?? 5_000;
  const dbs = await benchDatabases();

  const server = await startServerProc('app', { databaseUrl: await dbs.create('ingest') });
  let ours: { rate: number; acked: number; failed: number };
  try {
    const bot = await startBot(server);
    ours = await bot.call('ingest', { inFlight, ms }, ms + 60_000);
    await bot.stop();
  } finally {
    await server.child.stop();
  }

  const orm = await initOrm(await dbs.create('ingest1tx'));
  const store = new PgTradeStore(orm, { maxBatch: 1 });
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
    ],
    rows: [
      { measure: `P5 acked signals/s, ${inFlight} in flight (vs one transaction per signal)`, ours: ours.rate, baseline: base, ratio: ours.rate / base, goal: '≥ 15,000 and ≥ 10×', ok: ours.rate >= 15_000 && ours.rate / base >= 10 },
    ],
  };
}

async function oneTxPerSignal(store: PgTradeStore, inFlight: number, ms: number): Promise<number> {
  let done = 0;
  let stop = false;
  let seq = 0;
  const lane = async () => {
    while (!stop) {
      const i = seq++;
      await store.ingestSignal(
        { external_id: `base-${i}`, source: 'bench', symbol: `ING${i % 500}USDT`, direction: 'LONG', timeframe: '1h', entry: 100, tp: 110, sl: 95, confidence: 0.5, market_type: 'SPOT', leverage: 1 },
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
