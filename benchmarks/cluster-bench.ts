// Scale-out fan-out: deliveries/s to the same number of viewers through 1 edge vs 2 edges, all fed by
// one engine (ROLE=engine) over the Redis Streams adapter. Needs Redis at REDIS_URL (default
// redis://127.0.0.1:6379); processes are server/main.ts children on loopback, viewers are the lean
// Engine.IO clients of the fan-out bench. On one machine the edges share its cores with the viewers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { warnIfFails } from './support/best-effort.ts';
import { sleep } from './support/child.ts';
import { startBot, startFleet, type ServerProc } from './support/fleet.ts';
import { redisReachable } from '../server/cluster/redis-bus.ts';

export interface ClusterBenchOptions {
  viewers?: number;
  viewerProcs?: number;
  measureMs?: number;
}

interface RoleProc {
  proc: ChildProcess;
  url: Promise<string>;
}

function startRole(role: 'engine' | 'edge', env: Record<string, string>): RoleProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    // All viewers are on loopback: no per-IP socket limits (they would cap an edge at 64 viewers).
    env: {
      ...process.env,
      ...env,
      ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DEMO_BOT: 'off',
      MAX_SOCKETS_PER_IP: '0',
      SOCKET_CONNECTS_PER_IP: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /live at (http:\/\/[^/\s]+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`${role} exited (${code}):\n${out}`)));
  });
  return { proc, url };
}

export async function clusterBench(o: ClusterBenchOptions = {}): Promise<BenchResult> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = 'scale-out (1 engine → 1 vs 2 edges)';
  if (!(await redisReachable(redisUrl))) {
    return { name, notes: [`SKIPPED: Redis not reachable at ${redisUrl}`], rows: [] };
  }
  const viewers = o.viewers ?? 4_000;
  const procs = o.viewerProcs ?? 4;
  const measureMs = o.measureMs ?? 5_000;
  const dbs = await benchDatabases();
  const env = {
    DATABASE_URL: await dbs.create('cluster'),
    REDIS_URL: redisUrl,
    CLUSTER_NAME: `pbbench:${randomBytes(4).toString('hex')}`,
    BOT_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
    PRICE_FEED: 'bot',
    BROADCAST_INTERVAL_MS: '10',
  };
  const all: RoleProc[] = [];
  const start = (role: 'engine' | 'edge') => {
    const p = startRole(role, env);
    all.push(p);
    return p.url;
  };
  try {
    const engineUrl = await start('engine');
    const edges = await Promise.all([start('edge'), start('edge')]);
    const ports = edges.map((u) => Number(new URL(u).port));
    const bot = await startBot({ url: engineUrl, token: env.BOT_TOKEN } as ServerProc);
    await bot.call('startPrices', { everyMs: 1, perPush: 1, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
    try {
      const one = await measure([ports[0]!], viewers, procs, measureMs);
      const two = await measure(ports, viewers, procs, measureMs);
      return {
        name,
        notes: [
          `${viewers.toLocaleString('en')} lean viewers in ${procs} processes, split evenly over the edges; engine coalesces every 10 ms; a bot pushes 1 tick/ms`,
          `viewers disconnected during run: 1 edge ${one.closed}, 2 edges ${two.closed}; a ratio near 1 means one edge was not the bottleneck at this load`,
        ],
        rows: [
          {
            id: rowId('cluster', 'C1'),
            measure: `deliveries/s to ${viewers.toLocaleString('en')} viewers, 2 edges (vs 1 edge)`,
            ours: two.rate,
            baseline: one.rate,
            ratio: two.rate / one.rate,
            goal: 'report',
            ok: null,
          },
        ],
      };
    } finally {
      await bot.call('stopPrices').catch(warnIfFails('stopping the bot prices'));
      await bot.stop();
    }
  } finally {
    for (const p of all) p.proc.kill('SIGKILL');
  }
}

async function measure(ports: number[], viewers: number, procs: number, measureMs: number): Promise<{ rate: number; closed: number }> {
  const per = Math.floor(viewers / ports.length);
  const fleets = await Promise.all(ports.map((p) => startFleet(p, per, Math.max(1, Math.floor(procs / ports.length)))));
  try {
    await sleep(1_500);
    const count = async () =>
      (await Promise.all(fleets.map((f) => f.counts()))).reduce((a, b) => ({ frames: a.frames + b.frames, closed: a.closed + b.closed }), {
        frames: 0,
        closed: 0,
      });
    const c0 = await count();
    const t0 = performance.now();
    await sleep(measureMs);
    const c1 = await count();
    return { rate: (c1.frames - c0.frames) / ((performance.now() - t0) / 1000), closed: c1.closed };
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
  }
}
