// Per-file databases on the run's PostgreSQL (see tests/global-setup.ts), so test files are isolated.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withAdmin, withDatabase } from '../../server/persistence/database.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { PgTradeStore, type TradeStoreOptions } from '../../server/persistence/trade-store.ts';
import { warnIfFails } from './best-effort.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = inject('pgAdminUrl');
  if (!url) throw new Error('pgAdminUrl not provided: is tests/global-setup.ts the globalSetup?');
  return url;
}

/** A fresh, uniquely named, empty database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  const name = `pb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(admin, (k) => k.raw('create database ??', [name]));
  return {
    url: withDatabase(admin, name),
    name,
    drop: () => withAdmin(admin, (k) => k.raw('drop database if exists ?? with (force)', [name])).then(() => {}),
  };
}

export interface TestStore {
  db: TestDatabase;
  orm: MikroORM;
  store: PgTradeStore;
  /** Flushes the store, closes the ORM, drops the database. */
  close(): Promise<void>;
}

/** A migrated database with an ORM and a PgTradeStore on it. */
export async function openTestStore(opts: TradeStoreOptions = {}): Promise<TestStore> {
  const db = await createTestDatabase();
  const orm = await initOrm(db.url);
  const store = new PgTradeStore(orm, opts);
  return {
    db,
    orm,
    store,
    close: async () => {
      await store.flush().catch(warnIfFails('flushing the store before closing'));
      await orm.close(true);
      await db.drop();
    },
  };
}
