// Short-lived single connections for administration (creating databases and roles): opened, used
// once, always closed. Kept apart from database.ts so the embedded cluster's modules can share it.
import { knex } from '@mikro-orm/knex';

export type AdminKnex = ReturnType<typeof knex>;

/** Runs `fn` with a single-connection knex on `adminUrl`, always closing it. */
export async function withAdmin<T>(adminUrl: string, fn: (k: AdminKnex) => Promise<T>): Promise<T> {
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

/** Same server and database, other credentials. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}
