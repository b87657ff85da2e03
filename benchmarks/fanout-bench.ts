// P3 fan-out and P7 RSS per idle viewer. Ours: the real app (PRICE_FEED=bot) with a bot process
// pushing prices; the engine coalesces them and the public stream emits one delta per interval to
// the stream room. Baseline: bare Socket.IO on Node's http server (ws) with a bare emit loop of the
// same ~200 B delta. Ceilings: bare Socket.IO on uWS, one delta per loop turn (the product's pacing)
// and `burst` deltas per turn (uWS then writes them to each socket in one syscall).
// Viewers: raw node:net WebSocket clients in separate processes, counting frames per chunk; every
// phase reports server and viewer CPU so the limit is visible.
import { randomUUID } from 'node:crypto';
import { rowId, type BenchResult, type BenchRow } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { warnIfFails } from './support/best-effort.ts';
import { sleep } from './support/child.ts';
import { startBot, startFleet, startServerProc, type ServerProc, type ViewerKind } from './support/fleet.ts';

export interface FanoutOptions {
  viewers?: number;
  viewerProcs?: number;
  measureMs?: number;
  /** Coalescing interval for ours (ms). */
  intervalMs?: number;
  /** Deltas per loop turn of the coalesced ceiling (default 16). */
  burst?: number;
  viewerKind?: ViewerKind;
}

interface Measured {
  rate: number;
  avgBytes: number;
  rssPerViewer: number;
  closed: number;
  /** cores used by the server and by all viewer processes during the window */
  serverCpu: number;
  viewerCpu: number;
  framesPerRead: number;
}

export async function fanoutBench(o: FanoutOptions = {}): Promise<BenchResult> {
  const viewers = o.viewers ?? 5_000;
  const procs = o.viewerProcs ?? 2;
  const measureMs = o.measureMs ?? 5_000;
  const intervalMs = o.intervalMs ?? 2;
  const burst = o.burst ?? 16;
  const kind = o.viewerKind ?? 'net';
  const dbs = await benchDatabases();
  const measure = (server: ServerProc, load: (s: ServerProc) => Promise<() => Promise<void>>) => measureOne(server, viewers, procs, kind, measureMs, load);

  let oursFanoutMs = NaN;
  const ours = await measure(await startServerProc('app', { databaseUrl: await dbs.create('fanout'), broadcastIntervalMs: intervalMs }), async (server) => {
    const bot = await startBot(server);
    await bot.call('startPrices', { everyMs: 1, perPush: 1, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
    return async () => {
      oursFanoutMs = (await server.child.call<{ fanoutMs: number }>('streamStats')).fanoutMs;
      await bot.call('stopPrices');
      await bot.stop();
    };
  });
  const payload = {
    epoch: randomUUID(),
    seq: 0,
    events: [{ type: 'prices', prices: { BTCUSDT: [101.23, Date.now()], ETHUSDT: [102.34, Date.now()] } }],
  };
  const bareLoop = (perTurn: number) => async (server: ServerProc) => {
    let stopping = false;
    const done = server.child.call('emit', { ms: 60_000, payload, perTurn }, 120_000);
    // Stopping the child ends the 60 s emit loop early and rejects this call: expected then, a failure before.
    done.catch((err: unknown) => (stopping ? undefined : warnIfFails('the bare emit loop')(err)));
    return async () => {
      stopping = true;
      await server.child.stop();
    };
  };
  const base = await measure(await startServerProc('bare-ws'), bareLoop(1));
  const ceiling = await measure(await startServerProc('bare-uws'), bareLoop(1));
  const coalesced = await measure(await startServerProc('bare-uws'), bareLoop(burst));
  const baseBurst = await measure(await startServerProc('bare-ws'), bareLoop(burst));
  const cpu = (m: Measured) =>
    `${Math.round(m.rate).toLocaleString('en')}/s, server ${m.serverCpu.toFixed(2)} cores, viewers ${m.viewerCpu.toFixed(2)} cores, ${m.framesPerRead.toFixed(1)} frames per viewer read`;

  const rows: BenchRow[] = [
    {
      id: rowId('fanout', 'P3'),
      measure: `P3 deliveries/s, ~${Math.round(ours.avgBytes)} B deltas to ${viewers.toLocaleString('en')} viewers (vs Socket.IO on ws)`,
      ours: ours.rate,
      baseline: base.rate,
      ratio: ours.rate / base.rate,
      goal: '≥ 500,000 and ≥ 5×',
      ok: ours.rate >= 500_000 && ours.rate / base.rate >= 5,
    },
    {
      id: rowId('fanout', 'P3.uws'),
      measure: 'P3 ours vs bare Socket.IO on uWS, 1 delta per loop turn (ceiling at our pacing)',
      ours: ours.rate,
      baseline: ceiling.rate,
      ratio: ours.rate / ceiling.rate,
      goal: 'informative',
      ok: null,
    },
    {
      id: rowId('fanout', 'P3.uws-burst'),
      measure: `P3 ours vs bare Socket.IO on uWS, ${burst} deltas per loop turn (coalesced ceiling)`,
      ours: ours.rate,
      baseline: coalesced.rate,
      ratio: ours.rate / coalesced.rate,
      goal: 'informative',
      ok: null,
    },
    {
      id: rowId('fanout', 'P7.viewer'),
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
      `viewers: ${kind === 'net' ? 'raw node:net WebSocket clients' : 'ws clients'} in ${procs} processes; load: a bot process over /bot pushing 1 tick/ms; ours coalesces every ${intervalMs} ms (set on the Config object; the env minimum is 10 ms)`,
      `ours: ${cpu(ours)}; last fan-out measured by the stream: ${oursFanoutMs.toFixed(1)} ms`,
      `baseline Socket.IO on ws, 1 delta per turn: ${cpu(base)}; ${burst} per turn: ${cpu(baseBurst)}`,
      `bare Socket.IO on uWS, 1 delta per turn: ${cpu(ceiling)}; ${burst} per turn: ${cpu(coalesced)}`,
      `delta size at viewers: ours ${Math.round(ours.avgBytes)} B, baseline ${Math.round(base.avgBytes)} B (whole Socket.IO frame); viewers disconnected during run: ours ${ours.closed}, baseline ${base.closed}`,
      `bare Socket.IO on uWS: ${Math.round(ceiling.rssPerViewer).toLocaleString('en')} B RSS per idle viewer`,
      'RSS ratio is baseline ÷ ours (higher is better)',
    ],
    rows,
  };
}

async function measureOne(
  server: ServerProc,
  viewers: number,
  procs: number,
  kind: ViewerKind,
  measureMs: number,
  load: (s: ServerProc) => Promise<() => Promise<void>>,
): Promise<Measured> {
  try {
    const before = (await server.rss()).rss;
    const fleet = await startFleet(server.port, viewers, procs, kind);
    try {
      await sleep(2_000);
      const after = (await server.rss()).rss;
      const stop = await load(server);
      await sleep(1_500);
      const [c0, s0] = await Promise.all([fleet.counts(), server.cpuUs()]);
      const t0 = performance.now();
      await sleep(measureMs);
      const [c1, s1] = await Promise.all([fleet.counts(), server.cpuUs()]);
      const seconds = (performance.now() - t0) / 1000;
      await stop();
      const frames = c1.frames - c0.frames;
      return {
        rate: frames / seconds,
        avgBytes: frames > 0 ? (c1.bytes - c0.bytes) / frames : NaN,
        rssPerViewer: (after - before) / viewers,
        closed: c1.closed,
        serverCpu: (s1 - s0) / 1e6 / seconds,
        viewerCpu: (c1.cpuUs - c0.cpuUs) / 1e6 / seconds,
        framesPerRead: frames / Math.max(1, c1.reads - c0.reads),
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    await server.child.stop();
  }
}
