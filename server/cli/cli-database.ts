// The CLI's database: the same one the server uses (DATABASE_URL, else the embedded cluster under
// DATA_DIR). If a server (or its orphaned PostgreSQL) already runs the embedded cluster, the CLI
// connects to that PostgreSQL instead of starting a second one: `openDatabase` would stop it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { isAlive, isPostgresFor, openDatabase } from '../persistence/database.ts';
import { withCredentials } from '../persistence/admin-connection.ts';
import { credentialsPath, readCredentials } from '../persistence/embedded-credentials.ts';
import { initOrm } from '../persistence/orm.ts';

// The database openDatabase gives the app on the embedded cluster (its default name).
const EMBEDDED_DATABASE = 'paperbook';

export interface CliDatabase {
  orm: MikroORM;
  /** How it was reached, for messages: `DATABASE_URL`, `embedded (started)` or `embedded (running, pid N)`. */
  via: string;
  close(): Promise<void>;
}

export interface CliDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  log: Logger;
  /** Run pending migrations first (default true, as the server does at start). */
  migrate?: boolean;
}

export async function openCliDatabase(opts: CliDatabaseOptions): Promise<CliDatabase> {
  const migrate = opts.migrate ?? true;
  const running = opts.databaseUrl ? null : await runningEmbedded(path.join(opts.dataDir, 'pg'));
  if (running) {
    // The running server has provisioned the app role; connect as it, as the server does.
    const pgDir = path.join(opts.dataDir, 'pg');
    const creds = await readCredentials(pgDir);
    if (!creds) throw new Error(`PostgreSQL (pid ${running.pid}) is running on ${opts.dataDir} but ${credentialsPath(pgDir)} is missing`);
    const url = withCredentials(`postgresql://127.0.0.1:${running.port}/${EMBEDDED_DATABASE}`, creds.app.user, creds.app.password);
    const orm = await initOrm(url, { logger: opts.log, migrate, poolMax: 2 }).catch((err: unknown) => {
      throw new Error(`PostgreSQL (pid ${running.pid}) is running on ${opts.dataDir} but does not answer on port ${running.port}: ${String(err)}`);
    });
    return { orm, via: `embedded PostgreSQL already running (pid ${running.pid})`, close: () => orm.close(true) };
  }
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, logger: opts.log });
  try {
    const orm = await initOrm(database.url, { logger: opts.log, migrate, poolMax: 2 });
    return {
      orm,
      via: database.embedded ? `embedded PostgreSQL under ${opts.dataDir}` : 'DATABASE_URL',
      close: async () => {
        // A failed pool close must not keep the embedded server running: log it and stop the server anyway.
        await orm.close(true).catch((err: unknown) => opts.log.warn({ err }, 'closing the database connections failed'));
        await database.stop();
      },
    };
  } catch (err) {
    await database.stop();
    throw err;
  }
}

/** The live postmaster of the cluster in `pgDir`, from its postmaster.pid, or null. */
export async function runningEmbedded(pgDir: string): Promise<{ pid: number; port: number } | null> {
  const dir = path.resolve(pgDir);
  let lines: string[];
  try {
    lines = (await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  if (!isAlive(pid) || !(await isPostgresFor(pid, dir))) return null; // stale file: openDatabase clears it
  return { pid, port };
}
