// Which driver errors mean "the database cannot be reached" (→ UNAVAILABLE, retry) and which are bugs
// (→ logged 500). The messages are pg's and knex's own; a dropped connection must never read as a bug.
import { describe, expect, it } from 'vitest';
import { isUnavailableError, toStoreError, UnavailableError } from '../../server/persistence/errors.ts';

describe('isUnavailableError', () => {
  it.each([
    [
      'pg: a pooled client whose connection died (pg_terminate_backend)',
      new Error('insert into signals … - Client has encountered a connection error and is not queryable'),
    ],
    ['pg: a client already closed', new Error('select 1 - Client was closed and is not queryable')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['knex: transaction rolled back under us', new Error('Transaction query already complete, run with DEBUG=knex:tx for more info')],
    ['knex: pool timeout', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
    ['PostgreSQL admin shutdown (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['wrapped cause', new Error('outer', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })],
  ])('%s → unavailable', (_name, err) => {
    expect(isUnavailableError(err)).toBe(true);
    expect(toStoreError(err)).toBeInstanceOf(UnavailableError);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s → not unavailable', (_name, err) => {
    expect(isUnavailableError(err)).toBe(false);
    expect(toStoreError(err)).toBe(err);
  });
});
