// The one place domain errors become wire errors: HTTP statuses for REST, ack errors for sockets.
// "The database cannot be reached" is decided by server/errors.ts isUnavailableError (503, retry);
// anything unexpected is a bug: 500 INTERNAL, never UNAVAILABLE (which would teach clients to retry it).
import { ZodError } from 'zod';
import type { ApiError } from '../../shared/protocol-types.ts';
import { ConflictError, isUnavailableError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts';

export interface MappedError {
  status: number;
  error: ApiError;
  /** Expected errors (bad input, not found, an outage…) are not logged as errors; the rest are bugs. */
  expected: boolean;
}

/** The answer to a bug: its detail goes to the log, never to the client. */
export const INTERNAL_ERROR: MappedError = { status: 500, error: { code: 'INTERNAL', message: 'internal error' }, expected: false };

export function toHttpError(err: unknown): MappedError {
  if (err instanceof ValidationError) return { status: 400, error: err.detail, expected: true };
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const field = issue?.path.map(String).join('.') || undefined;
    return {
      status: 400,
      error: { code: 'VALIDATION_ERROR', message: issue?.message ?? 'invalid input', ...(field ? { field } : {}) },
      expected: true,
    };
  }
  if (err instanceof NotFoundError) return { status: 404, error: { code: 'NOT_FOUND', message: err.message || 'not found' }, expected: true };
  if (err instanceof ConflictError) {
    return { status: 409, error: { code: 'CONFLICT', message: err.message, ...(err.field ? { field: err.field } : {}) }, expected: true };
  }
  if (err instanceof UnauthorizedError) return { status: 401, error: { code: 'UNAUTHORIZED', message: err.message || 'unauthorized' }, expected: true };
  if (err instanceof RateLimitedError) return { status: 429, error: { code: 'RATE_LIMITED', message: err.message || 'too many requests' }, expected: true };
  if (isUnavailableError(err)) {
    return { status: 503, error: { code: 'UNAVAILABLE', message: 'database unavailable: nothing was stored; retry' }, expected: true };
  }
  return INTERNAL_ERROR;
}

/** Ack errors for socket events carry the same {code, message, field}. */
export function toAckError(err: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: toHttpError(err).error };
}

export function isExpected(err: unknown): boolean {
  return toHttpError(err).expected;
}
