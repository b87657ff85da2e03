// PostgreSQL for benchmarks: the server behind DATABASE_URL when set (its database is the admin
// connection), else an embedded server in a temp dir. Each bench gets its own fresh database.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startEmbeddedServer, withAdmin, withDatabase } from '../../server/persistence/database.ts';
import { warnIfFails } from './best-effort.ts';

export interface BenchDatabases {
  /** 'embedded' or the host of DATABASE_URL. */
  kind: string;
  create(label: string): Promise<string>;
  stop(): Promise<void>;
}

let shared: Promise<BenchDatabases> | null = null;

/** One PostgreSQL per run, started on first use. */
export function benchDatabases(): Promise<BenchDatabases> {
  return (shared ??= open());
}

async function open(): Promise<BenchDatabases> {
  const given = process.env.DATABASE_URL;
  let admin: string;
  let stopServer = async (): Promise<void> => {};
  let kind: string;
  if (given) {
    admin = given;
    kind = `DATABASE_URL (${new URL(given).host})`;
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'paperbook-bench-pg-'));
    await chmod(dir, 0o755);
    const server = await startEmbeddedServer(path.join(dir, 'pg'), pino({ level: 'warn' }));
    admin = server.adminUrl;
    kind = 'embedded PostgreSQL';
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const created: string[] = [];
  return {
    kind,
    async create(label) {
      const name = `pb_bench_${label}_${randomBytes(3).toString('hex')}`;
      await withAdmin(admin, (k) => k.raw('create database ??', [name]));
      created.push(name);
      return withDatabase(admin, name);
    },
    async stop() {
      for (const name of created)
        await withAdmin(admin, (k) => k.raw('drop database if exists ?? with (force)', [name])).catch(warnIfFails(`dropping database ${name}`));
      await stopServer();
      shared = null;
    },
  };
}

/** The run's databases if any bench opened them (so the runner can stop them at the end). */
export function benchDatabasesIfOpen(): Promise<BenchDatabases> | null {
  return shared;
}
