// Where PostgreSQL comes from: the given DATABASE_URL, or an embedded server kept under
// `${dataDir}/pg` that survives restarts (initialised once, started on a free port).
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { EmbeddedCluster } from './embedded-cluster.ts';
import { reachableBinaries } from './embedded-binaries.ts';
import { placeCluster } from './cluster-placement.ts';
import { postgresAccount } from './postgres-account.ts';
import { knex } from '@mikro-orm/knex';
import type { Logger } from 'pino';

export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent an embedded server is started. */
  databaseUrl?: string | undefined;
  /** Embedded data lives in `${dataDir}/pg`. */
  dataDir: string;
  logger: Logger;
  /** Database created (if missing) on the embedded server. Default `paperbook`. */
  databaseName?: string;
}

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'paperbook';

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    return { url: opts.databaseUrl, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedServer(path.join(opts.dataDir, 'pg'), opts.logger);
  try {
    const name = opts.databaseName ?? 'paperbook';
    await ensureDatabase(server.adminUrl, name);
    return { url: withDatabase(server.adminUrl, name), embedded: true, stop: server.stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export interface EmbeddedServer {
  /** URL of the `postgres` maintenance database (superuser). */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL cluster in `pgDir`, or where
 * `${pgDir}.location` says it lives (root in a private directory: server/persistence/cluster-placement.ts).
 */
export async function startEmbeddedServer(pgDir: string, logger: Logger): Promise<EmbeddedServer> {
  const log = logger.child({ module: 'embedded-postgres' });
  const runAs = postgresAccount();
  const place = await placeCluster(pgDir, runAs);
  const dir = place.dir;
  const port = await freePort();
  const pg = new EmbeddedCluster({
    binaries: await reachableBinaries(runAs),
    runAs,
    databaseDir: dir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    // Keep the socket out of /var/run/postgresql (may not exist); listen on loopback only.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (m) => log.debug({ pg: m.trim() }, 'postgres'),
  });
  const started = Date.now();
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
    await place.record?.();
  } else {
    await clearStalePidFile(dir, log);
  }
  try {
    await pg.start();
  } catch (err) {
    await pg.stop().catch(() => {});
    throw new Error(`embedded PostgreSQL failed to start in ${dir}${err ? `: ${String(err)}` : ''}`);
  }
  log.info({ port, dir, ms: Date.now() - started }, 'embedded PostgreSQL started');
  let stopping: Promise<void> | undefined;
  return {
    adminUrl: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => (stopping ??= pg.stop()),
  };
}

/**
 * A process killed with SIGKILL leaves `postmaster.pid` behind. If its pid is dead (or reused by
 * something that is not a postgres for this directory) the file is removed; if a postgres for
 * this directory is still running (an orphan of a killed parent) it is asked to shut down.
 */
async function clearStalePidFile(dir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgresFor(pid, dir))) {
    log.warn({ pid }, 'stopping orphaned embedded PostgreSQL');
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) still running on ${dir}`);
  }
  if (existsSync(pidFile)) {
    log.warn({ pidFile }, 'removing stale postmaster.pid');
    await rm(pidFile, { force: true });
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a postgres serving the data directory `dir`. */
export async function isPostgresFor(pid: number, dir: string): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmdline.some((a) => a.endsWith('postgres')) && cmdline.includes(dir);
  } catch {
    return false;
  }
}

/** Creates `name` on the server behind `adminUrl` if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (k) => {
    const found = await k.raw('select 1 from pg_database where datname = ?', [name]);
    if (found.rows.length === 0) {
      await k.raw('create database ??', [name]).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  });
}

/** Runs `fn` with a single-connection knex on `adminUrl`, always closing it. */
export async function withAdmin<T>(adminUrl: string, fn: (k: ReturnType<typeof knex>) => Promise<T>): Promise<T> {
  const k = knex({
    client: 'pg',
    connection: { connectionString: adminUrl, connectionTimeoutMillis: 3000 },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 5000,
  });
  try {
    return await fn(k);
  } finally {
    await k.destroy();
  }
}

/** Same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
