// MikroORM configuration builder: one place for entities, migrations, pool and timeouts.
// Server code passes the URL in; nothing here reads process.env.
import { defineConfig, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './server/persistence/entities/index.ts';
import { MIGRATIONS } from './server/persistence/migrations/index.ts';

export interface OrmConfigInput {
  clientUrl: string;
  /** Max pooled connections (default 10). */
  poolMax?: number;
  /** How long a caller waits for a connection before failing (default 3000 ms). */
  acquireTimeoutMs?: number;
  /** Receives knex/pool warnings (dropped connections…) instead of the console. */
  onWarn?: (message: string) => void;
  debug?: boolean;
}

export function buildOrmConfig(input: OrmConfigInput): Options {
  const acquireTimeoutMs = input.acquireTimeoutMs ?? 3000;
  const warn = input.onWarn ?? (() => {});
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: input.clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // The database is created by persistence/database.ts (or exists already); never by the ORM.
    ensureDatabase: false,
    // No implicit global identity map: every unit of work forks the EntityManager.
    allowGlobalContext: false,
    debug: input.debug ?? false,
    discovery: { disableDynamicFileAccess: true },
    pool: {
      min: 0,
      max: input.poolMax ?? 10,
      acquireTimeoutMillis: acquireTimeoutMs,
      createTimeoutMillis: acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
    },
    driverOptions: {
      acquireConnectionTimeout: acquireTimeoutMs,
      connection: { connectionTimeoutMillis: Math.max(500, acquireTimeoutMs - 500), keepAlive: true },
      log: { warn, error: warn, deprecate: warn, debug: () => {} },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'server/persistence/migrations',
      pathTs: 'server/persistence/migrations',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true,
    },
  });
}
