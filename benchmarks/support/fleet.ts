// Helpers shared by the socket benches: a server process, a fleet of viewer processes, a bot process.
import { randomBytes } from 'node:crypto';
import { spawnChild, type Child } from './child.ts';

export interface ServerProc {
  child: Child;
  port: number;
  url: string;
  token: string;
  startMs: number;
  rss(): Promise<{ rss: number; peakRss: number }>;
  /** CPU time of the server process so far, µs */
  cpuUs(): Promise<number>;
}

export async function startServerProc(
  mode: 'app' | 'bare-ws' | 'bare-uws',
  opts: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<ServerProc> {
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const child = spawnChild('./server-proc.ts', [mode, JSON.stringify({ botToken: token, ...opts })], env);
  const ready = await child.ready;
  const port = ready.port as number;
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    startMs: ready.startMs as number,
    rss: () => child.call('rss'),
    cpuUs: async () => {
      const c = await child.call<{ user: number; system: number }>('cpu');
      return c.user + c.system;
    },
  };
}

export type ViewerKind = 'net' | 'ws';

export interface FleetCounts {
  frames: number;
  bytes: number;
  closed: number;
  /** socket reads (`net`) or message events (`ws`) */
  reads: number;
  /** CPU time of all viewer processes, µs */
  cpuUs: number;
}

export interface Fleet {
  viewers: number;
  counts(): Promise<FleetCounts>;
  stop(): Promise<void>;
}

/** `total` lean viewers spread over `procs` processes; resolves once all have their snapshot. */
export async function startFleet(port: number, total: number, procs: number, kind: ViewerKind = 'net'): Promise<Fleet> {
  const n = Math.min(procs, total);
  const children = Array.from({ length: n }, (_, i) =>
    spawnChild('./viewer-proc.ts', [String(port), String(Math.floor(total / n) + (i < total % n ? 1 : 0)), kind]),
  );
  await Promise.all(children.map((c) => c.ready));
  return {
    viewers: total,
    async counts() {
      type Raw = { frames: number; bytes: number; closed: number; reads: number; cpu: { user: number; system: number } };
      const all = await Promise.all(children.map((c) => c.call<Raw>('counts')));
      return all.reduce(
        (a, b) => ({
          frames: a.frames + b.frames,
          bytes: a.bytes + b.bytes,
          closed: a.closed + b.closed,
          reads: a.reads + b.reads,
          cpuUs: a.cpuUs + b.cpu.user + b.cpu.system,
        }),
        { frames: 0, bytes: 0, closed: 0, reads: 0, cpuUs: 0 },
      );
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
    },
  };
}

export async function startBot(server: ServerProc): Promise<Child> {
  const bot = spawnChild('./bot-proc.ts', [server.url, server.token]);
  await bot.ready;
  return bot;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
