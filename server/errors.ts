// Domain errors grouped by what the caller should do. They know nothing of HTTP or sockets:
// transport/error-mapper.ts turns them into status codes and ack errors.
import type { ApiError } from '../shared/protocol-types.ts';

export class ValidationError extends Error {
  constructor(readonly detail: ApiError) {
    super(detail.message);
  }
}
export class NotFoundError extends Error {}
export class ConflictError extends Error {
  /** `field`: the input that conflicts (e.g. a taken username). */
  constructor(message?: string, readonly field?: string) {
    super(message);
  }
}
export class UnauthorizedError extends Error {}
export class RateLimitedError extends Error {}
/** The database (or another dependency) is unreachable: nothing was stored; the caller may retry. */
export class UnavailableError extends Error {}
