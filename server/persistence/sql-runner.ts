// Plain SQL through MikroORM's connection (knex, server-side bindings), one forked
// EntityManager per unit of work. Retries a transaction on deadlock / serialization failure.
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
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

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `cols` placeholders (optionally typed, e.g. `?::bigint`). */
export function valuesList(rows: number, cols: number | readonly string[]): string {
  const cells = typeof cols === 'number' ? Array.from({ length: cols }, () => '?') : cols;
  const tuple = `(${cells.join(', ')})`;
  return Array.from({ length: rows }, () => tuple).join(', ');
}
