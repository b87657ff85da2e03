// Plain SQL through MikroORM's connection (knex, server-side bindings), one forked
// EntityManager per unit of work. Retries a transaction on deadlock / serialization failure.
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { copyOut } from './copy-out-query.ts';
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
   * One `COPY … TO STDOUT` whose data is handed to `onChunk` as it arrives (raw CopyData; a chunk is
   * valid only during the call). For bulk reads (start-up hydration): nothing is accumulated.
   */
  async copyOut(sql: string, onChunk: (chunk: Buffer) => void): Promise<void> {
    const client = this.orm.em.fork().getConnection().getKnex().client as KnexClient;
    let conn: pg.Client | undefined;
    try {
      conn = await client.acquireConnection();
      await copyOut(conn, sql, onChunk);
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
          const q: Query = async (sql, bindings = []) => ((await trx.raw(sql, bindings as Knex.RawBinding[])) as { rows: RawRow[] }).rows;
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

interface KnexClient {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(conn: pg.Client): Promise<unknown>;
}

/**
 * A transaction on one pooled connection driven with as few round trips as possible: BEGIN travels
 * with the first statement, and the last statement with COMMIT (PostgreSQL's simple-query protocol
 * runs a `;`-separated string in one round trip; an error skips the rest, and the transaction is
 * then rolled back). Used by the group-commit writers, where round trips are the cost.
 */
export interface BatchTx {
  /** A parameterised statement (`?` placeholders). */
  q: Query;
  /** A statement whose values are already inlined as literals (see `sqlLiteral`). */
  simple(sql: string): Promise<RawRow[]>;
}

interface PgConnection {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: RawRow[] } | { rows: RawRow[] }[]>;
  __knex__disposed?: unknown;
}

/** A text value as a literal that means the same whatever standard_conforming_strings is. */
export function sqlLiteral(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const lastRows = (res: { rows: RawRow[] } | { rows: RawRow[] }[]): RawRow[] => (Array.isArray(res) ? res[res.length - 1]!.rows : res.rows);

/** `?` → `$n` (the statements given here have no `?` inside literals or operators). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export async function batchTransaction<T>(orm: MikroORM, work: (tx: BatchTx) => Promise<T>, finalSql: (out: T) => string | null, log?: Logger): Promise<T> {
  // knex's Client declares both as `any`: typed here to what its pg client returns.
  const client: { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<unknown> } = orm.em.getConnection().getKnex().client;
  let conn: PgConnection;
  try {
    conn = await client.acquireConnection();
  } catch (err) {
    throw toStoreError(err);
  }
  let begun = false;
  const prefix = (): string => (begun ? '' : ((begun = true), 'begin; '));
  const tx: BatchTx = {
    q: async (sql, bindings = []) => {
      if (!begun) await conn.query(prefix());
      return lastRows(await conn.query(numbered(sql), bindings));
    },
    simple: async (sql) => lastRows(await conn.query(prefix() + sql)),
  };
  try {
    const out = await work(tx);
    const last = finalSql(out);
    if (begun || last) await conn.query(`${prefix()}${last ? `${last}; ` : ''}commit`);
    return out;
  } catch (err) {
    if (begun) {
      await conn.query('rollback').catch((e: unknown) => {
        conn.__knex__disposed ??= e; // the pool drops it instead of reusing a connection in a bad state
      });
    }
    throw toStoreError(err);
  } finally {
    // The transaction's outcome is decided by now and must reach the caller as it is; a connection the
    // pool refuses back is the pool's loss (it opens another), worth a warning, not a failed write.
    await client.releaseConnection(conn).catch((err: unknown) => log?.warn({ err }, 'connection not returned to the pool after a batch'));
  }
}

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `cols` placeholders (optionally typed, e.g. `?::bigint`). */
export function valuesList(rows: number, cols: number | readonly string[]): string {
  const cells = typeof cols === 'number' ? Array.from({ length: cols }, () => '?') : cols;
  const tuple = `(${cells.join(', ')})`;
  return Array.from({ length: rows }, () => tuple).join(', ');
}
