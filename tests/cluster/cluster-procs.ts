// Cluster test fixtures: server/main.ts child processes in a ROLE on loopback, sharing one test
// database and a per-test Redis key prefix (CLUSTER_NAME), plus reachability checks for skipping.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { redisReachable } from '../../server/cluster/redis-bus.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why cluster tests cannot run here, or null. Printed loudly by the suites that skip. */
export async function clusterUnavailable(): Promise<string | null> {
  if (!(await redisReachable(REDIS_URL))) return `Redis is not reachable at ${REDIS_URL} (set REDIS_URL)`;
  try {
    const db = await createTestDatabase();
    await db.drop();
  } catch (err) {
    return `PostgreSQL is not reachable: ${String(err)}`;
  }
  return null;
}

export function loudSkip(suite: string, reason: string): void {
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPING ${suite}: ${reason}\n!! These tests need Redis and PostgreSQL; nothing in them was run.\n${bar}\n`);
}

export interface RoleProc {
  role: string;
  child: ChildProcess;
  /** Resolves with the base URL once the process prints it (a standby: when it takes over). */
  url: Promise<string>;
  /** When the URL line was seen (ms since epoch), 0 before. */
  liveAt: number;
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export interface Cluster {
  db: TestDatabase;
  name: string;
  botToken: string;
  procs: RoleProc[];
  start(role: 'engine' | 'edge', env?: Record<string, string>): RoleProc;
  stop(): Promise<void>;
}

export async function createCluster(): Promise<Cluster> {
  const db = await createTestDatabase();
  const name = `pbtest:${process.pid}:${randomBytes(4).toString('hex')}`;
  const botToken = `cluster-${randomBytes(8).toString('hex')}`;
  const procs: RoleProc[] = [];
  return {
    db,
    name,
    botToken,
    procs,
    start(role, env = {}) {
      const p = spawnRole(role, {
        DATABASE_URL: db.url,
        REDIS_URL,
        CLUSTER_NAME: name,
        BOT_TOKEN: botToken,
        PORT: '0',
        HOST: '127.0.0.1',
        PRICE_FEED: 'bot',
        DEMO_BOT: 'off',
        BROADCAST_INTERVAL_MS: '20',
        SNAPSHOT_INTERVAL_MS: '200',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...env,
      });
      procs.push(p);
      return p;
    },
    async stop() {
      for (const p of procs) p.kill('SIGKILL');
      await Promise.all(procs.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 3000))])));
      await db.drop().catch(warnIfFails('dropping the test database'));
      await deleteKeys(name).catch(warnIfFails('deleting the cluster keys'));
    },
  };
}

function spawnRole(role: string, env: Record<string, string>): RoleProc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, ROLE: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const proc: RoleProc = {
    role,
    child,
    liveAt: 0,
    url: Promise.resolve(''),
    output: () => out,
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  proc.url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /live at (http:\/\/[^/\s]+)/.exec(out);
      if (m && proc.liveAt === 0) {
        proc.liveAt = Date.now();
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void proc.exited.then((code) => reject(new Error(`${role} exited (${code}) before printing its URL:\n${out}`)));
  });
  // Awaited by the caller; a child that dies before that would otherwise be an unhandled rejection.
  proc.url.catch((err: unknown) => console.warn(String(err)));
  return proc;
}

async function deleteKeys(prefix: string): Promise<void> {
  const c = createClient({ url: REDIS_URL });
  c.on('error', () => {});
  await c.connect();
  try {
    const keys: string[] = [];
    for await (const batch of c.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await c.del(keys);
  } finally {
    c.destroy();
  }
}
