// Persistence failures the caller can act on. UnavailableError is the domain class from
// server/errors.ts (so the transport maps it to 503 / an UNAVAILABLE ack); this module decides
// which driver errors mean "the database cannot be reached".
import { UnavailableError } from '../errors.ts';

export { UnavailableError };

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** True for errors meaning PostgreSQL is unreachable (refused, timed out, shutting down, dropped). */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errno?: unknown };
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.code.startsWith('08') || e.code.startsWith('57P') || e.code === '53300') return true;
  }
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  // "Transaction query already complete": knex rolled the transaction back because its connection
  // died (e.g. pg_terminate_backend) while our code still had queries to run in it: nothing committed.
  if (/Connection terminated|timeout exceeded when trying to connect|Timeout acquiring a connection|Connection ended unexpectedly|the database system is (starting up|shutting down)|Transaction query already complete|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/i.test(msg)) {
    return true;
  }
  return e.cause !== undefined && e.cause !== err && isUnavailableError(e.cause);
}

/** Rethrows `err` as UnavailableError when it means the database is unreachable. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  if (isUnavailableError(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    return new UnavailableError(`database unavailable: ${detail}`, { cause: err });
  }
  return err;
}
