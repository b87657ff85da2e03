// One classifier decides "the database cannot be reached" (server/errors.ts isUnavailableError), and
// the transport's mapper answers with it: an outage is 503 UNAVAILABLE (retry, nothing stored), a bug
// is 500 INTERNAL (logged; retrying will not help). The driver errors are pg's, knex's and Node's own.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isUnavailableError } from '../../server/errors.ts';
import { isUnavailableError as persistenceClassifier } from '../../server/persistence/errors.ts';
import { isExpected, toAckError, toHttpError } from '../../server/transport/error-mapper.ts';
import { ConflictError, NotFoundError, RateLimitedError, UnauthorizedError, UnavailableError, ValidationError } from '../../server/errors.ts';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

// [what, error, the database is unreachable?]
const DRIVER_ERRORS: Array<[string, unknown, boolean]> = [
  ['node: connection refused', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
  ['node: connection reset', coded('read ECONNRESET', 'ECONNRESET'), true],
  ['node: timed out', coded('connect ETIMEDOUT', 'ETIMEDOUT'), true],
  ['node: broken pipe', coded('write EPIPE', 'EPIPE'), true],
  ['node: host name not found', coded('getaddrinfo ENOTFOUND db', 'ENOTFOUND'), true],
  ['node: DNS retry', coded('getaddrinfo EAI_AGAIN db', 'EAI_AGAIN'), true],
  ['node: host unreachable', coded('connect EHOSTUNREACH', 'EHOSTUNREACH'), true],
  ['node: network unreachable', coded('connect ENETUNREACH', 'ENETUNREACH'), true],
  ['PostgreSQL 08006 connection failure', coded('connection failure', '08006'), true],
  ['PostgreSQL 08003 connection does not exist', coded('connection does not exist', '08003'), true],
  ['PostgreSQL 57P01 admin shutdown', coded('terminating connection due to administrator command', '57P01'), true],
  ['PostgreSQL 57P02 crash shutdown', coded('terminating connection because of crash of another server process', '57P02'), true],
  ['PostgreSQL 57P03 cannot connect now', coded('the database system is starting up', '57P03'), true],
  ['PostgreSQL 53300 too many connections', coded('sorry, too many clients already', '53300'), true],
  ['pg: pooled client dead', new Error('insert into signals … - Client has encountered a connection error and is not queryable'), true],
  ['pg: client closed', new Error('select 1 - Client was closed and is not queryable'), true],
  ['pg: connection terminated', new Error('Connection terminated unexpectedly'), true],
  ['pg: connect timeout', new Error('timeout exceeded when trying to connect'), true],
  ['pg: shutting down (message only)', new Error('the database system is shutting down'), true],
  ['knex: transaction rolled back under us', new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'), true],
  ['knex: pool timeout', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }), true],
  ['MikroORM: ConnectionException', Object.assign(new Error('connect failed'), { name: 'ConnectionException' }), true],
  ['a wrapped cause', new Error('outer', { cause: coded('x', 'ECONNREFUSED') }), true],
  ['UnavailableError itself', new UnavailableError('shutting down'), true],
  ['PostgreSQL 23505 unique violation', coded('duplicate key value violates unique constraint', '23505'), false],
  ['PostgreSQL 42601 syntax error', coded('syntax error at or near "selec"', '42601'), false],
  ['PostgreSQL 22P02 invalid input', coded('invalid input syntax for type bigint', '22P02'), false],
  ['PostgreSQL 40001 serialization failure', coded('could not serialize access', '40001'), false],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')"), false],
  ['a plain Error', new Error('boom'), false],
  ['a thrown string', 'boom', false],
  ['null', null, false],
  [
    'a cause that is itself',
    (() => {
      const e = new Error('loop') as Error & { cause?: unknown };
      e.cause = e;
      return e;
    })(),
    false,
  ],
];

describe('isUnavailableError: driver errors → classification', () => {
  it.each(DRIVER_ERRORS)('%s → %s', (_what, err, unavailable) => {
    expect(isUnavailableError(err)).toBe(unavailable);
  });

  it('persistence and transport use the same classifier', () => {
    expect(persistenceClassifier).toBe(isUnavailableError);
  });
});

describe('toHttpError / toAckError', () => {
  it.each(DRIVER_ERRORS)('%s → 503 UNAVAILABLE or 500 INTERNAL', (_what, err, unavailable) => {
    const mapped = toHttpError(err);
    if (unavailable) {
      expect(mapped).toMatchObject({ status: 503, error: { code: 'UNAVAILABLE' }, expected: true });
    } else if (!(err instanceof Error && 'code' in err)) {
      expect(mapped).toEqual({ status: 500, error: { code: 'INTERNAL', message: 'internal error' }, expected: false });
    } else {
      expect(mapped).toMatchObject({ status: 500, error: { code: 'INTERNAL' }, expected: false });
    }
    expect(toAckError(err)).toEqual({ ok: false, error: mapped.error });
  });

  it('the domain errors keep their codes and are expected', () => {
    const schema = z.object({ n: z.number() });
    const zod = schema.safeParse({ n: 'x' });
    expect(zod.success).toBe(false);
    const cases: Array<[unknown, number, string]> = [
      [new ValidationError({ code: 'VALIDATION_ERROR', message: 'bad', field: 'x' }), 400, 'VALIDATION_ERROR'],
      [zod.error, 400, 'VALIDATION_ERROR'],
      [new NotFoundError('gone'), 404, 'NOT_FOUND'],
      [new ConflictError('taken', 'username'), 409, 'CONFLICT'],
      [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
      [new RateLimitedError(), 429, 'RATE_LIMITED'],
    ];
    for (const [err, status, code] of cases) {
      expect(toHttpError(err)).toMatchObject({ status, error: { code }, expected: true });
      expect(isExpected(err)).toBe(true);
    }
    expect(isExpected(new Error('bug'))).toBe(false);
  });

  it('a bug never tells the client its detail', () => {
    expect(toHttpError(new Error('password=hunter2 at db.internal')).error.message).toBe('internal error');
  });
});
