// Plain SQL through MikroORM's connection (knex, server-side bindings), one forked
// EntityManager per unit of work. Retries a transaction on deadlock / serialization failure.
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { toStoreError } from './errors.ts';

export type RawRow = Record<string, unknown>;
export type Query = (sql: string, bindings?: readonly unknown[]) => Promise<RawRow[]>;

const RETRYABLE = new Set(['40P01', '40001']);

export class SqlRunner {
  constructor(private readonly orm: MikroORM) {}

  /** One statement outside an explicit transaction. */
  async query(sql: string, bindings: readonly unknown[] = []): Promise<RawRow[]> {
    const knex = this.orm.em.fork().getConnection().getKnex();
    try {
      const res = await knex.raw(sql, bindings as Knex.RawBinding[]);
      return (res as { rows: RawRow[] }).rows;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * One statement (`$1` placeholders) whose rows are handed to `onRow` as they arrive, as arrays of
   * PostgreSQL's text (null for NULL): no row objects, no type parsing, nothing accumulated.
   * For bulk reads (start-up hydration). Returns the row count.
   */
  async stream(sql: string, bindings: readonly unknown[], onRow: (values: (string | null)[]) => void): Promise<number> {
    const client = this.orm.em.fork().getConnection().getKnex().client as KnexClient;
    let conn: pg.Client | undefined;
    try {
      conn = await client.acquireConnection();
      const config: pg.QueryArrayConfig = { text: sql, values: bindings as unknown[], rowMode: 'array', types: RAW_TEXT };
      const query = new pg.Query(config);
      let n = 0;
      // A throwing onRow must not throw inside the driver's parser: the rest of the rows drain, then we reject.
      let failed: { err: unknown } | undefined;
      await new Promise<void>((resolve, reject) => {
        query.on('row', (row: (string | null)[]) => {
          if (failed) return;
          n++;
          try {
            onRow(row);
          } catch (err) {
            failed = { err };
          }
        });
        query.on('error', reject);
        query.on('end', () => (failed ? reject(failed.err) : resolve()));
        conn!.query(query);
      });
      return n;
    } catch (err) {
      throw toStoreError(err);
    } finally {
      if (conn) await client.releaseConnection(conn);
    }
  }

  /** Runs `fn` in one transaction on one connection; commits when it resolves. */
  async transaction<T>(fn: (q: Query) => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const em = this.orm.em.fork();
      try {
        return await em.transactional(async (tem) => {
          const trx = tem.getTransactionContext<Knex.Transaction>();
          if (!trx) throw new Error('no transaction context');
          const q: Query = async (sql, bindings = []) =>
            ((await trx.raw(sql, bindings as Knex.RawBinding[])) as { rows: RawRow[] }).rows;
          return fn(q);
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt < attempts && code && RETRYABLE.has(code)) continue;
        throw toStoreError(err);
      }
    }
  }
}

/** Every column as the server's text: the caller parses what it needs. */
const RAW_TEXT = { getTypeParser: () => (v: string) => v };

interface KnexClient {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(conn: pg.Client): Promise<unknown>;
}

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `cols` placeholders (optionally typed, e.g. `?::bigint`). */
export function valuesList(rows: number, cols: number | readonly string[]): string {
  const cells = typeof cols === 'number' ? Array.from({ length: cols }, () => '?') : cols;
  const tuple = `(${cells.join(', ')})`;
  return Array.from({ length: rows }, () => tuple).join(', ');
}
