// P4: signal sent (BotClient over /bot) → `opened` delta received at a real socket.io-client viewer,
// with N lean viewers connected (baseline: 100). The real app, default 100 ms price coalescing,
// a bot pushing 8 symbols at 10 Hz meanwhile. Sender and probe share one process (one clock).
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { sleep } from './support/child.ts';
import { percentile, startBot, startFleet, startServerProc, type ViewerKind } from './support/fleet.ts';

export interface LatencyOptions {
  viewers?: number;
  baselineViewers?: number;
  viewerProcs?: number;
  signals?: number;
  /** Gap between signals (default 40 ms: 25 opened deltas/s on top of 10 Hz prices). */
  intervalMs?: number;
  viewerKind?: ViewerKind;
}

interface Latency {
  p50: number;
  p99: number;
  ackP50: number;
  ackP99: number;
  /** deltas the probe received during the run, and how many carried prices only */
  deltas: number;
  priceOnly: number;
  /** the stream's last measured fan-out, ms */
  fanoutMs: number;
  n: number;
  missing: number;
}

export async function latencyBench(o: LatencyOptions = {}): Promise<BenchResult> {
  const viewers = o.viewers ?? 5_000;
  const small = o.baselineViewers ?? 100;
  const signals = o.signals ?? 150;
  const intervalMs = o.intervalMs ?? 40;
  const procs = o.viewerProcs ?? 2;
  const kind = o.viewerKind ?? 'net';
  const dbs = await benchDatabases();
  const run = async (n: number): Promise<Latency> => {
    const server = await startServerProc('app', { databaseUrl: await dbs.create(`latency${n}`) });
    try {
      const fleet = await startFleet(server.port, n - 1, n < 500 ? 1 : procs, kind);
      const bot = await startBot(server);
      try {
        await bot.call('startPrices', { everyMs: 100, perPush: 8 });
        await sleep(1_000);
        const r = await bot.call<{ latencies: number[]; ackLatencies: number[]; missing: number; deltas: number; priceOnly: number }>(
          'latency',
          { n: signals, intervalMs },
          300_000,
        );
        const { fanoutMs } = await server.child.call<{ fanoutMs: number }>('streamStats');
        await bot.call('stopPrices');
        const sorted = [...r.latencies].sort((a, b) => a - b);
        const acks = [...r.ackLatencies].sort((a, b) => a - b);
        return {
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          ackP50: percentile(acks, 50),
          ackP99: percentile(acks, 99),
          n: sorted.length,
          missing: r.missing,
          deltas: r.deltas,
          priceOnly: r.priceOnly,
          fanoutMs,
        };
      } finally {
        await bot.stop();
        await fleet.stop();
      }
    } finally {
      await server.child.stop();
    }
  };
  const base = await run(small);
  const ours = await run(viewers);
  return {
    name: 'signal → opened latency (P4)',
    notes: [
      `${signals} signals ${intervalMs} ms apart; ${viewers.toLocaleString('en')} viewers = 1 socket.io-client probe + ${(viewers - 1).toLocaleString('en')} lean viewers (${kind === 'net' ? 'raw node:net WebSocket' : 'ws'}) in ${procs} processes; baseline ${small}`,
      `p50 ${ours.p50.toFixed(1)} ms vs ${base.p50.toFixed(1)} ms; samples ${ours.n} (${ours.missing} missing) vs ${base.n} (${base.missing} missing)`,
      `signal → ack (ingest, committed) p50/p99: ${ours.ackP50.toFixed(1)}/${ours.ackP99.toFixed(1)} ms vs ${base.ackP50.toFixed(1)}/${base.ackP99.toFixed(1)} ms`,
      `deltas at the probe (price-only): ${ours.deltas} (${ours.priceOnly}) vs ${base.deltas} (${base.priceOnly}); last fan-out ${ours.fanoutMs.toFixed(1)} ms vs ${base.fanoutMs.toFixed(1)} ms`,
    ],
    rows: [
      {
        id: rowId('latency', 'P4.p50'),
        measure: `P4 p50 ms, ${viewers.toLocaleString('en')} viewers (vs ${small})`,
        ours: ours.p50,
        baseline: base.p50,
        ratio: ours.p50 / base.p50,
        goal: 'informative',
        ok: null,
      },
      {
        id: rowId('latency', 'P4'),
        measure: `P4 p99 ms, ${viewers.toLocaleString('en')} viewers (vs ${small})`,
        ours: ours.p99,
        baseline: base.p99,
        ratio: ours.p99 / base.p99,
        goal: '≤ 25 ms',
        ok: ours.p99 <= 25 && ours.missing === 0,
      },
    ],
  };
}
