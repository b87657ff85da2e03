// Text signals (SPEC §9): one adapter from a channel message to the JSON signal payload, so REST
// and /bot take the same intake (signalSchema, ack after commit, idempotency) as a JSON signal.
import { signalSchema } from '../../shared/signal-schema.ts';
import type { TextSignalError, TextSignalField } from '../../shared/text-signal.ts';
import { parseTextSignal } from '../../shared/text-signal.ts';
import { classifyLine, findLeverage, findPair, normalizeLine } from '../../shared/text-signal-lines.ts';
import { parseWith } from '../../shared/validation.ts';
import { ValidationError } from '../errors.ts';

const LINE_KINDS: Partial<Record<string, readonly string[]>> = { tp: ['target', 'targets'], entry: ['entry'], sl: ['stop'] };

/** The 1-based line that wrote `field`: its labelled line, else the pair's line, else line 1. */
function lineOf(lines: readonly string[], field: string): number {
  const kinds = LINE_KINDS[field];
  const i = lines.findIndex((raw) => {
    const norm = normalizeLine(raw);
    if (kinds) return kinds.includes(classifyLine(norm).kind);
    if (field === 'leverage') return findLeverage(norm) !== null;
    return false;
  });
  if (i >= 0) return i + 1;
  const pair = lines.findIndex((raw) => findPair(raw) !== null);
  return pair < 0 ? 1 : pair + 1;
}

const TEXT_FIELDS: readonly TextSignalField[] = ['symbol', 'direction', 'entry', 'tp', 'sl', 'leverage'];

/**
 * Parses `text` into the payload the JSON intake takes, with `external_id` when given; several
 * targets travel as a `tp` array. Refusals are ValidationErrors carrying the failing `line` and
 * `line_text`: the parser's own, and the signal schema's (a level the parser reads but the schema
 * refuses, e.g. a price above its bound) placed on the line that wrote the field.
 */
export function textToSignalPayload(text: string, externalId?: string): Record<string, unknown> {
  const r = parseTextSignal(text);
  if (!r.ok) throw new ValidationError(r.error);
  const payload = { ...r.value, ...(externalId !== undefined ? { external_id: externalId } : {}) };
  const checked = parseWith(signalSchema, payload);
  if (!checked.ok) {
    const top = checked.error.field?.split('.')[0] ?? '';
    const field = (TEXT_FIELDS as readonly string[]).includes(top) ? (top as TextSignalField) : undefined;
    // external_id is not in the text: the schema's refusal of it stands as it is.
    if (field === undefined) throw new ValidationError(checked.error);
    const lines = text.split(/\r\n|\r|\n/);
    const line = lineOf(lines, field);
    const error: TextSignalError = {
      code: 'VALIDATION_ERROR',
      message: `${field}: line ${line}: ${checked.error.message.replace(/^[^:]*: /, '')}`,
      field,
      line,
      line_text: (lines[line - 1] ?? '').trim(),
    };
    throw new ValidationError(error);
  }
  return payload;
}
