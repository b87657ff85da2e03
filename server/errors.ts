// Domain errors grouped by what the caller should do. They know nothing of HTTP or sockets:
// transport/error-mapper.ts turns them into status codes and ack errors. Also the one classifier of
// "the database cannot be reached" (isUnavailableError), for persistence and transport alike.
import type { ApiError } from '../shared/protocol-types.ts';

export class ValidationError extends Error {
  constructor(readonly detail: ApiError) {
    super(detail.message);
  }
}
export class NotFoundError extends Error {}
export class ConflictError extends Error {
  /** `field`: the input that conflicts (e.g. a taken username). */
  constructor(
    message?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
export class UnauthorizedError extends Error {}
export class RateLimitedError extends Error {}
/** The database (or another dependency) is unreachable: nothing was stored; the caller may retry. */
export class UnavailableError extends Error {}

/** Node socket errors meaning the peer cannot be reached (refused, reset, timed out, no route, no name). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg's and knex's own words when the connection under a query is gone: nothing was committed. */
const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Timeout acquiring a connection|Connection ended unexpectedly|the database system is (starting up|shutting down)|Transaction query already complete|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/i;

/**
 * True for errors meaning PostgreSQL is unreachable (refused, timed out, shutting down, dropped):
 * UnavailableError itself; Node socket codes; SQLSTATE classes 08 (connection exception) and 57P
 * (operator intervention: admin shutdown, crash shutdown, cannot connect now) and 53300 (too many
 * connections); knex's pool timeout; the drivers' messages for a dead connection (knex's "Transaction
 * query already complete" is a transaction rolled back because its connection died); and any of
 * these as a `cause`. Everything else (a constraint, a syntax error, a bug) is not.
 */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (UNREACHABLE_CODES.has(e.code)) return true;
    if (e.code.startsWith('08') || e.code.startsWith('57P') || e.code === '53300') return true;
  }
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
  if (typeof e.message === 'string' && UNREACHABLE_MESSAGE.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isUnavailableError(e.cause);
}
