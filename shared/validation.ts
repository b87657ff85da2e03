// Runs a shared schema and turns the first issue into the wire error shape {code, message, field}.
import type { z } from 'zod';
import { ERROR_CODES } from './constants.ts';
import type { ApiError } from './protocol-types.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'invalid payload';
  return {
    ok: false,
    error: { code: ERROR_CODES.VALIDATION_ERROR, message, ...(field ? { field } : {}) },
  };
}
