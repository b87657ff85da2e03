// The one place domain errors become wire errors: HTTP statuses for REST, ack errors for sockets.
import { ZodError } from 'zod';
import type { ApiError } from '../../shared/protocol-types.ts';
import {
  ConflictError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '../errors.ts';

export interface MappedError {
  status: number;
  error: ApiError;
  /** Expected errors (bad input, not found…) are not logged as errors. */
  expected: boolean;
}

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
  if (err instanceof UnavailableError || isUnavailable(err)) {
    return { status: 503, error: { code: 'UNAVAILABLE', message: 'database unavailable: nothing was stored; retry' }, expected: true };
  }
  return { status: 500, error: { code: 'UNAVAILABLE', message: 'internal error' }, expected: false };
}

/** Ack errors for socket events carry the same {code, message, field}. */
export function toAckError(err: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: toHttpError(err).error };
}

export function isExpected(err: unknown): boolean {
  return toHttpError(err).expected;
}

/** Errors a driver raises when PostgreSQL cannot be reached (codes from libpq/node and PG's 57P/08 classes). */
function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08');
}
