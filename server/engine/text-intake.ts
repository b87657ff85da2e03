// Text signals (SPEC §9): one adapter from a channel message to the JSON signal payload, so REST
// and /bot take the same intake (signalSchema, ack after commit, idempotency) as a JSON signal.
import type { TextSignalError } from '../../shared/text-signal.ts';
import { parseTextSignal } from '../../shared/text-signal.ts';
import { classifyLine, normalizeLine } from '../../shared/text-signal-lines.ts';
import { ValidationError } from '../errors.ts';

/** The line where the targets start (a `Targets:`/`TP1:` line or a header of `1) …` items), 1-based. */
function targetsLine(lines: readonly string[]): number {
  const i = lines.findIndex((raw) => {
    const k = classifyLine(normalizeLine(raw)).kind;
    return k === 'target' || k === 'targets';
  });
  return i < 0 ? 1 : i + 1;
}

function refusal(error: TextSignalError): ValidationError {
  return new ValidationError(error);
}

/**
 * Parses `text` into the payload the JSON intake takes, with `external_id` when given. Refusals are
 * ValidationErrors carrying the failing `line` and `line_text`. Until the book carries several
 * targets, a message with more than one is refused (field `tp`, the targets' line), never truncated.
 */
export function textToSignalPayload(text: string, externalId?: string): Record<string, unknown> {
  const r = parseTextSignal(text);
  if (!r.ok) throw refusal(r.error);
  const { tp, ...rest } = r.value;
  let level: number;
  if (Array.isArray(tp)) {
    if (tp.length !== 1) {
      const lines = text.split(/\r\n|\r|\n/);
      const line = targetsLine(lines);
      throw refusal({
        code: 'VALIDATION_ERROR',
        message: `tp: line ${line}: ${tp.length} targets; this server takes one target per signal for now`,
        field: 'tp',
        line,
        line_text: (lines[line - 1] ?? '').trim(),
      });
    }
    level = tp[0] as number;
  } else level = tp;
  return { ...rest, tp: level, ...(externalId !== undefined ? { external_id: externalId } : {}) };
}
