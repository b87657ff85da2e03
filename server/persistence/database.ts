// Where PostgreSQL comes from: the given DATABASE_URL, or an embedded server kept under
// `${dataDir}/pg` that survives restarts (initialised once, started on a free port). The embedded
// server's passwords are random per data directory (embedded-credentials.ts) and the app connects
// as a role that owns only its database (embedded-roles.ts).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { EmbeddedCluster } from './embedded-cluster.ts';
import { reachableBinaries } from './embedded-binaries.ts';
import { placeCluster } from './cluster-placement.ts';
import { postgresAccount } from './postgres-account.ts';
import { tiePostgresToProcess } from './postgres-lifeline.ts';
import {
  LEGACY_SUPERUSER_PASSWORD,
  newCredentials,
  randomPassword,
  readCredentials,
  writeCredentials,
  type EmbeddedCredentials,
  type RoleCredentials,
} from './embedded-credentials.ts';
import { provisionAppDatabase, secureSuperuser } from './embedded-roles.ts';
import type { Logger } from 'pino';

export { withAdmin, withDatabase } from './admin-connection.ts';

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

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    return { url: opts.databaseUrl, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedServer(path.join(opts.dataDir, 'pg'), opts.logger);
  try {
    const name = opts.databaseName ?? 'paperbook';
    const url = await provisionAppDatabase(server.adminUrl, name, server.app, opts.logger.child({ module: 'embedded-postgres' }));
    return { url, embedded: true, stop: server.stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export interface EmbeddedServer {
  /** URL of the `postgres` maintenance database (superuser, random password). */
  adminUrl: string;
  /** The non-superuser role the app connects as (openDatabase gives it its database). */
  app: RoleCredentials;
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
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  // The credentials stay beside DATA_DIR/pg even when the cluster lives elsewhere (cluster-placement.ts).
  const home = path.resolve(pgDir);
  const creds = await credentialsFor(home, fresh);
  const pg = new EmbeddedCluster({
    binaries: await reachableBinaries(runAs),
    runAs,
    databaseDir: dir,
    port,
    user: creds.superuser.user,
    // initdb's password (read from a 0600 file only its account can open) is replaced by
    // secureSuperuser with the stored one as soon as the server is up.
    password: creds.formerSuperuserPasswords[0] ?? creds.superuser.password,
    authMethod: 'scram-sha-256',
    // Keep the socket out of /var/run/postgresql (may not exist); listen on loopback only.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (m) => log.debug({ pg: m.trim() }, 'postgres'),
  });
  const started = Date.now();
  if (fresh) {
    log.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
    await place.record?.();
  } else {
    await clearStalePidFile(dir, log);
  }
  try {
    await pg.start();
  } catch (err) {
    // The start's own error is what the caller needs; a failed stop after it is only worth a line.
    await pg.stop().catch((stopErr: unknown) => log.warn({ err: stopErr, dir }, 'embedded PostgreSQL did not stop after a failed start'));
    throw new Error(`embedded PostgreSQL failed to start in ${dir}${err ? `: ${String(err)}` : ''}`, { cause: err });
  }
  // From here on it never outlives this process, however it ends (postgres-lifeline.ts).
  const lifeline = tiePostgresToProcess(dir, log);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= pg.stop().finally(() => lifeline?.release()));
  try {
    const adminUrl = await secureSuperuser(home, port, creds, log);
    log.info({ port, dir, ms: Date.now() - started }, 'embedded PostgreSQL started');
    return { adminUrl, app: creds.app, port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The stored credentials, or new ones written before the cluster is touched (so a crash half-way
 * leaves a file that still names every password the cluster may have): for a new cluster with a
 * throwaway initdb password, for one made before issue 16 with its old fixed default.
 */
async function credentialsFor(dir: string, fresh: boolean): Promise<EmbeddedCredentials> {
  const stored = fresh ? null : await readCredentials(dir);
  if (stored) return stored;
  const creds = newCredentials([fresh ? randomPassword() : LEGACY_SUPERUSER_PASSWORD]);
  await mkdir(path.dirname(dir), { recursive: true });
  await writeCredentials(dir, creds);
  return creds;
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
