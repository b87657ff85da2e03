// Keyset cursors for the public list's deep pages: the last row's ordering value, as PostgreSQL
// prints it (exact: no rounding of microseconds or numerics), and its id, bound to the ordering
// they were made for. Opaque to clients (base64url JSON); a bad one is a 400 naming `cursor`.
import { ValidationError } from '../errors.ts';

export interface ListCursor {
  ordering: string;
  /** null: the row's ordering column is NULL (open trades by exit_time or profit_loss; they sort last). */
  value: string | null;
  id: number;
}

const TIME = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:\d\d)?|Z)?$/;
const NUMERIC = /^-?\d{1,22}(\.\d{1,20})?$/; // numeric(30,8) as text

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.ordering, c.value, c.id])).toString('base64url');
}

export function decodeCursor(text: string, ordering: string): ListCursor {
  const bad = (message: string): never => {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message, field: 'cursor' });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return bad('is not a cursor from a `next` link');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return bad('is not a cursor from a `next` link');
  const [o, value, id] = parsed as unknown[];
  if (o !== ordering) return bad(`was made for ordering ${String(o)}, not ${ordering}: follow the \`next\` link as given`);
  if (!Number.isSafeInteger(id) || (id as number) < 1) return bad('is not a cursor from a `next` link');
  const column = ordering.replace(/^-/, '');
  const shape = column === 'profit_loss' ? NUMERIC : TIME;
  if (value !== null && (typeof value !== 'string' || !shape.test(value))) return bad('is not a cursor from a `next` link');
  if (value === null && column === 'entry_time') return bad('is not a cursor from a `next` link');
  return { ordering, value: value as string | null, id: id as number };
}
