// P3 fan-out and P7 RSS per idle viewer. Ours: the real app (PRICE_FEED=bot) with a bot process
// pushing prices; the engine coalesces them and the public stream emits one delta per interval to
// the stream room. Baseline: bare Socket.IO on Node's http server (ws) with a bare emit loop of the
// same ~200 B delta. Viewers: lean raw-WebSocket Engine.IO clients in separate processes.
import { randomUUID } from 'node:crypto';
import type { BenchResult, BenchRow } from './run.ts';
import { benchDatabases } from './support/bench-db.ts';
import { sleep } from './support/child.ts';
import { startBot, startFleet, startServerProc, type ServerProc } from './support/fleet.ts';

export interface FanoutOptions {
  viewers?: number;
  viewerProcs?: number;
  measureMs?: number;
  /** Coalescing interval for ours (ms). */
  intervalMs?: number;
}

interface Measured {
  rate: number;
  avgBytes: number;
  rssPerViewer: number;
  closed: number;
}

export async function fanoutBench(o: FanoutOptions = {}): Promise<BenchResult> {
  const viewers = o.viewers ?? 5_000;
  const procs = o.viewerProcs ?? 4;
  const measureMs = o.measureMs ?? 5_000;
  const intervalMs = o.intervalMs ?? 2;
  const dbs = await benchDatabases();

  const ours = await measure(await startServerProc('app', { databaseUrl: await dbs.create('fanout'), broadcastIntervalMs: intervalMs }), viewers, procs, measureMs, async (server) => {
    const bot = await startBot(server);
    await bot.call('startPrices', { everyMs: 1, perPush: 1, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
    return async () => {
      await bot.call('stopPrices');
      await bot.stop();
    };
  });
  const payload = {
    epoch: randomUUID(),
    seq: 0,
    events: [{ type: 'prices', prices: { BTCUSDT: [101.23, Date.now()], ETHUSDT: [102.34, Date.now()] } }],
  };
  const bareLoop = async (server: ServerProc) => {
    const done = server.child.call('emit', { ms: 60_000, payload }, 120_000);
    done.catch(() => {});
    return async () => {
      await server.child.stop();
    };
  };
  const base = await measure(await startServerProc('bare-ws'), viewers, procs, measureMs, bareLoop);
  const ceiling = await measure(await startServerProc('bare-uws'), viewers, procs, measureMs, bareLoop);

  const rows: BenchRow[] = [
    {
      measure: `P3 deliveries/s, ~${Math.round(ours.avgBytes)} B deltas to ${viewers.toLocaleString('en')} viewers (vs Socket.IO on ws)`,
      ours: ours.rate,
      baseline: base.rate,
      ratio: ours.rate / base.rate,
      goal: '≥ 500,000 and ≥ 5×',
      ok: ours.rate >= 500_000 && ours.rate / base.rate >= 5,
    },
    {
      measure: 'P3 ours vs bare Socket.IO on uWS, same emit loop (ceiling)',
      ours: ours.rate,
      baseline: ceiling.rate,
      ratio: ours.rate / ceiling.rate,
      goal: 'informative',
      ok: null,
    },
    {
      measure: 'P7 RSS per idle viewer, bytes (vs Socket.IO on ws)',
      ours: ours.rssPerViewer,
      baseline: base.rssPerViewer,
      ratio: base.rssPerViewer / ours.rssPerViewer,
      goal: '≤ 10,240',
      ok: ours.rssPerViewer <= 10_240,
    },
  ];
  return {
    name: 'fan-out (P3, P7 viewers)',
    notes: [
      `viewers: lean raw-WebSocket Engine.IO clients (ws), ${procs} processes; load: a bot process over /bot pushing 1 tick/ms; ours coalesces every ${intervalMs} ms (set on the Config object; the env minimum is 10 ms)`,
      `delta size at viewers: ours ${Math.round(ours.avgBytes)} B, baseline ${Math.round(base.avgBytes)} B (whole Socket.IO frame); viewers disconnected during run: ours ${ours.closed}, baseline ${base.closed}`,
      `bare Socket.IO on uWS (ceiling): ${Math.round(ceiling.rate).toLocaleString('en')}/s, ${Math.round(ceiling.rssPerViewer).toLocaleString('en')} B RSS per idle viewer`,
      'RSS ratio is baseline ÷ ours (higher is better)',
    ],
    rows,
  };
}

async function measure(
  server: ServerProc,
  viewers: number,
  procs: number,
  measureMs: number,
  load: (s: ServerProc) => Promise<() => Promise<void>>,
): Promise<Measured> {
  try {
    const before = (await server.rss()).rss;
    const fleet = await startFleet(server.port, viewers, procs);
    try {
      await sleep(2_000);
      const after = (await server.rss()).rss;
      const stop = await load(server);
      await sleep(1_500);
      const c0 = await fleet.counts();
      const t0 = performance.now();
      await sleep(measureMs);
      const c1 = await fleet.counts();
      const seconds = (performance.now() - t0) / 1000;
      await stop();
      const frames = c1.frames - c0.frames;
      return { rate: frames / seconds, avgBytes: frames > 0 ? (c1.bytes - c0.bytes) / frames : NaN, rssPerViewer: (after - before) / viewers, closed: c1.closed };
    } finally {
      await fleet.stop();
    }
  } finally {
    await server.child.stop();
  }
}
