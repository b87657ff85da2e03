// Persistence failures the caller can act on: a driver error that means "the database cannot be
// reached" (server/errors.ts isUnavailableError, the one classifier) becomes UnavailableError, which
// the transport maps to 503 / an UNAVAILABLE ack.
import { isUnavailableError, UnavailableError } from '../errors.ts';

export { isUnavailableError, UnavailableError };

/** Rethrows `err` as UnavailableError when it means the database is unreachable. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  if (isUnavailableError(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    return new UnavailableError(`database unavailable: ${detail}`, { cause: err });
  }
  return err;
}
