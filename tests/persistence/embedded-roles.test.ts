// Issue 16 item 10: the embedded cluster had a fixed superuser password (`postgres`/`paperbook`) and
// the app connected as that superuser, so anyone on the machine could `COPY … TO PROGRAM` as the
// postgres system user. Now: random passwords per data directory in a 0600 file, the app connects
// as a role that owns only its database, and clusters made the old way are upgraded in place.
import { mkdtemp, rm, stat, chmod } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, withAdmin, withDatabase, type Database } from '../../server/persistence/database.ts';
import { EmbeddedCluster } from '../../server/persistence/embedded-cluster.ts';
import { reachableBinaries } from '../../server/persistence/embedded-binaries.ts';
import { postgresAccount } from '../../server/persistence/postgres-account.ts';
import { credentialsPath, readCredentials } from '../../server/persistence/embedded-credentials.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { runCli } from '../cli/run-cli.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'paperbook-roles-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as the `postgres` system user
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The SQLSTATE a statement fails with on `url`, or 'ok'. */
async function sqlState(url: string, sql: string): Promise<string> {
  try {
    await withAdmin(url, (k) => k.raw(sql));
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const COPY_TO_PROGRAM = `copy (select 1) to program 'id > /dev/null'`;

async function expectLockedDown(db: Database, pgDir: string): Promise<void> {
  const url = new URL(db.url);
  expect(url.username).toBe('paperbook');
  // 42501 insufficient_privilege: "permission denied to COPY to or from an external program".
  expect(await sqlState(db.url, COPY_TO_PROGRAM)).toBe('42501');
  expect(await sqlState(db.url, `select pg_read_file('/etc/passwd')`)).toBe('42501');
  expect(await sqlState(db.url, 'create role intruder')).toBe('42501');
  expect(await sqlState(db.url, 'create database intruder')).toBe('42501');
  const [me] = await withAdmin(
    db.url,
    async (k) => (await k.raw('select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user')).rows,
  );
  expect(me).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
  // The old fixed superuser password no longer opens the cluster.
  const legacy = `postgresql://postgres:paperbook@127.0.0.1:${url.port}/postgres`;
  expect(await sqlState(legacy, 'select 1')).toBe('28P01');
  // The passwords live in a 0600 file owned by the user running Node, outside PostgreSQL's directory.
  const file = credentialsPath(pgDir);
  const st = await stat(file);
  expect(st.mode & 0o777).toBe(0o600);
  expect(st.uid).toBe(userInfo().uid);
  expect(path.dirname(file)).toBe(path.dirname(pgDir));
}

async function tableOwners(db: Database): Promise<Record<string, string>> {
  const { rows } = await withAdmin(db.url, (k) =>
    k.raw<{ rows: Array<{ name: string; owner: string }> }>(
      `select c.relname as name, pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'S', 'i') order by 1`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.owner]));
}

describe('a new embedded cluster', () => {
  let a: Database;
  let b: Database;
  let dirA: string;
  let dirB: string;

  beforeAll(async () => {
    dirA = await tempDataDir();
    dirB = await tempDataDir();
    a = await openDatabase({ dataDir: dirA, logger });
    b = await openDatabase({ dataDir: dirB, logger });
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('the app connects as a non-superuser that cannot COPY TO PROGRAM; the password file is 0600', async () => {
    await expectLockedDown(a, path.join(dirA, 'pg'));
  });

  it('passwords differ between two data directories', async () => {
    const ca = (await readCredentials(path.join(dirA, 'pg')))!;
    const cb = (await readCredentials(path.join(dirB, 'pg')))!;
    expect(ca.superuser.password).not.toBe(cb.superuser.password);
    expect(ca.app.password).not.toBe(cb.app.password);
    expect(ca.app.password).not.toBe(ca.superuser.password);
    expect(ca.superuser.password).toMatch(/^[\w-]{43}$/);
    expect(ca.formerSuperuserPasswords).toEqual([]); // initdb's throwaway password was replaced
  });

  it('migrations run as the app role, which then owns every table, index and sequence', async () => {
    const orm = await initOrm(a.url);
    await orm.close(true);
    const owners = await tableOwners(a);
    expect(Object.keys(owners)).toContain('paper_trades');
    expect(new Set(Object.values(owners))).toEqual(new Set(['paperbook']));
  });
});

/** What the code before issue 16 did: superuser `postgres` with the fixed password `paperbook`, `password` auth. */
async function initLegacyCluster(pgDir: string): Promise<{ stop(): Promise<void>; adminUrl: string }> {
  const runAs = postgresAccount();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const pg = new EmbeddedCluster({
    binaries: await reachableBinaries(runAs),
    runAs,
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password: 'paperbook',
    authMethod: 'password',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  return { adminUrl: `postgresql://postgres:paperbook@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

describe('a cluster made before issue 16 (fixed password, everything owned by postgres)', () => {
  let dataDir: string;
  let pgDir: string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    pgDir = path.join(dataDir, 'pg');
    const legacy = await initLegacyCluster(pgDir);
    try {
      await withAdmin(legacy.adminUrl, (k) => k.raw('create database paperbook'));
      // Only the first migration: the upgraded app role must be able to apply the later ones,
      // which alter tables the superuser created.
      const orm = await initOrm(withDatabase(legacy.adminUrl, 'paperbook'), { migrate: false });
      await orm.getMigrator().up({ to: 'Migration20250101000000Initial' });
      await orm.em.getConnection().execute(`insert into users (username, password_hash, created_at) values ('old_user', 'x', now())`);
      await orm.close(true);
    } finally {
      await legacy.stop();
    }
  }, 120_000);

  it('is upgraded in place: passwords rotated, ownership handed to the app role, data kept, migrations run', async () => {
    const db = await openDatabase({ dataDir, logger });
    try {
      await expectLockedDown(db, pgDir);
      const orm = await initOrm(db.url);
      try {
        const [row] = await orm.em.getConnection().execute<Array<{ username: string }>>(`select username from users`);
        expect(row).toEqual({ username: 'old_user' });
        // The later migrations (ALTER TABLE on tables the superuser made) ran as the app role.
        expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
        expect((await orm.getMigrator().getExecutedMigrations()).length).toBeGreaterThan(1);
      } finally {
        await orm.close(true);
      }
      expect(new Set(Object.values(await tableOwners(db)))).toEqual(new Set(['paperbook']));
    } finally {
      await db.stop();
    }
    // A second start changes nothing and still works (the upgrade is idempotent).
    const again = await openDatabase({ dataDir, logger });
    await again.stop();
  }, 120_000);

  it('the CLI works on it, both with the server running and on its own', async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const alone = await runCli(['token:list'], env);
    expect(alone, alone.stderr).toMatchObject({ code: 0 });
    const db = await openDatabase({ dataDir, logger });
    try {
      const running = await runCli(['token:list'], env);
      expect(running, running.stderr).toMatchObject({ code: 0 });
    } finally {
      await db.stop();
    }
  }, 120_000);
});
