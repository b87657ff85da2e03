// Signal updates (SPEC §9 "Updates"): the payload a bot sends to change an open signal's unfilled
// part, and the pure rule that turns the trade's current plan and an update into the next plan.
import { z } from 'zod';
import type { Direction, StopMode } from './constants.ts';
import { ERROR_CODES, SL_MODES } from './constants.ts';
import { MAX_TARGETS, managedStopAfter, validateAllocation } from './leg-math.ts';
import { allocationSchema, NO_CONTROL_CHARACTERS, priceSchema, targetsSchema, textId, trailingStopSchema } from './signal-schema.ts';

/** The fields an update may change; at least one is required. */
export const UPDATABLE_FIELDS = ['sl', 'tp', 'tp_allocation', 'sl_mode', 'trailing_stop'] as const;

const KNOWN_FIELDS = ['signal_id', 'external_id', 'update_id', ...UPDATABLE_FIELDS] as const;

/** The update's shape, strict: what generated API documents (OpenAPI, AsyncAPI) describe. Parse with signalUpdateSchema. */
export const signalUpdateShape = z
  .strictObject({
    signal_id: z.number().int().positive().optional(),
    external_id: textId(128).optional(),
    /** The bot's id for this update: a resend with the same one is applied once. Kept as written (not trimmed). */
    update_id: z.string().min(1).max(128).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').optional(),
    sl: priceSchema.optional(),
    tp: targetsSchema.optional(),
    tp_allocation: allocationSchema.optional(),
    sl_mode: z.enum(SL_MODES).optional(),
    /** `null` removes the trailing stop. */
    trailing_stop: trailingStopSchema.nullable().optional(),
  })
  .refine((u) => UPDATABLE_FIELDS.some((k) => u[k] !== undefined), {
    message: `nothing to update: give at least one of ${UPDATABLE_FIELDS.join(', ')}`,
  });

/**
 * A signal update (SPEC §9): strict. An unknown key is refused with its name as the field (a bare
 * z.strictObject reports it without one): entry, symbol, direction… are not changed by an update.
 */
export const signalUpdateSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
    for (const key of Object.keys(v)) {
      if (!(KNOWN_FIELDS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a field of a signal update (${KNOWN_FIELDS.join(', ')})` });
      }
    }
  })
  .pipe(signalUpdateShape);

export type SignalUpdateInput = z.input<typeof signalUpdateShape>;
export type SignalUpdatePayload = z.output<typeof signalUpdateSchema>;

/** What an update changes: the trade's plan as the book holds it. Shares are of the whole position. */
export interface SignalPlan {
  direction: Direction;
  entryPrice: number;
  targets: number[];
  shares: number[];
  /** Targets filled so far, in order: targets[0 … filled − 1]. */
  filled: number;
  /** The managed stop in force (after any breakeven / moving_target move); not the trailing level. */
  stopLoss: number;
  slMode: StopMode;
  trailing: { callbackRate: number; activationPrice: number | null } | null;
}

export type UpdateField = (typeof UPDATABLE_FIELDS)[number];
export interface SignalUpdateError {
  code: typeof ERROR_CODES.VALIDATION_ERROR;
  message: string;
  field: UpdateField;
}
export type SignalUpdateOutcome = { ok: true; next: SignalPlan } | { ok: false; error: SignalUpdateError };

/** The parts of a payload the rule reads (ids are the transport's business). */
export type SignalUpdateTerms = Pick<SignalUpdatePayload, UpdateField>;

class Refusal extends Error {
  constructor(
    readonly field: UpdateField,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** `a` is strictly beyond `b` in the profit direction (LONG: above). */
const beyond = (long: boolean, a: number, b: number): boolean => (long ? a > b : a < b);

function checkPlan(p: SignalPlan): void {
  if (p.targets.length < 1 || p.targets.length !== p.shares.length) throw new RangeError('a plan has 1 or more targets, one share each');
  if (!Number.isInteger(p.filled) || p.filled < 0 || p.filled > p.targets.length) throw new RangeError(`filled ${p.filled} is not 0..${p.targets.length}`);
}

/** The new unfilled levels: after the last filled target (or entry), in order, and not yet reached by the price. */
function newTargets(p: SignalPlan, levels: readonly number[], reference: number, what: string): number[] {
  const long = p.direction === 'LONG';
  if (p.filled + levels.length > MAX_TARGETS) {
    throw new Refusal('tp', `${p.filled} target(s) filled and ${levels.length} new: at most ${MAX_TARGETS} in all`);
  }
  let prev = p.filled > 0 ? (p.targets[p.filled - 1] as number) : p.entryPrice;
  const after = p.filled > 0 ? `target ${p.filled} (filled at ${prev})` : `entry (${prev})`;
  for (const [i, level] of levels.entries()) {
    if (!beyond(long, level, prev)) {
      const side = long ? 'above' : 'below';
      throw new Refusal(
        'tp',
        i === 0 ? `the first new target must be ${side} ${after}; got ${level}` : `target ${p.filled + i + 1} must be ${side} target ${p.filled + i} (${prev})`,
      );
    }
    prev = level;
  }
  const first = levels[0] as number; // the nearest to the price: the others are further
  if (!beyond(long, first, reference)) {
    throw new Refusal('tp', `target ${p.filled + 1} (${first}) is already at or ${long ? 'below' : 'above'} ${what} (${reference})`);
  }
  return [...levels];
}

/** Shares of the whole position for the new unfilled targets (see applySignalUpdate). */
function unfilledShares(p: SignalPlan, count: number, allocation: readonly number[] | undefined): number[] {
  const checked = validateAllocation(count, allocation);
  if (!checked.ok) {
    const message = checked.error.message.replace(/^tp_allocation: /, '');
    throw new Refusal(checked.error.field === 'tp' ? 'tp' : 'tp_allocation', message);
  }
  const open = p.shares.slice(p.filled).reduce((a, s) => a + s, 0);
  return checked.shares.map((s) => s * open);
}

/** A stop at or beyond `reference` on the profit side would fill on the next tick (LONG: at or above). */
function checkStop(long: boolean, stop: number, reference: number, field: UpdateField, what: string, lead: string): void {
  if (!beyond(long, reference, stop)) {
    throw new Refusal(field, `${lead} ${stop}, at or ${long ? 'above' : 'below'} ${what} (${reference}): a stop must be ${long ? 'below' : 'above'} it`);
  }
}

/** The stop after the update: the given or kept one, moved as the mode in force moves it for the fills so far. */
function nextStop(p: SignalPlan, u: SignalUpdateTerms, slMode: StopMode, targets: readonly number[], reference: number, what: string): number {
  const long = p.direction === 'LONG';
  if (u.sl !== undefined) checkStop(long, u.sl, reference, 'sl', what, 'the stop would be');
  const base = u.sl ?? p.stopLoss;
  const stop = managedStopAfter(slMode, p.direction, p.entryPrice, targets, p.filled, base);
  if (stop === base) return stop;
  if (u.sl !== undefined) {
    throw new Refusal('sl', `${slMode} puts the stop at ${stop} after TP${p.filled}; a less protective sl (${u.sl}) needs sl_mode "fixed" in the same update`);
  }
  checkStop(long, stop, reference, u.sl_mode !== undefined ? 'sl_mode' : 'sl', what, `${slMode} would move the stop to`);
  return stop;
}

function nextPlan(p: SignalPlan, u: SignalUpdateTerms, lastPrice: number | undefined): SignalPlan {
  checkPlan(p);
  const reference = lastPrice ?? p.entryPrice;
  const what = lastPrice === undefined ? 'entry' : 'the last price';
  const unfilled = p.targets.length - p.filled;

  let targets = [...p.targets];
  let shares = [...p.shares];
  if (u.tp !== undefined || u.tp_allocation !== undefined) {
    if (unfilled === 0) throw new Refusal(u.tp !== undefined ? 'tp' : 'tp_allocation', 'every target has filled: there is no unfilled part to change');
    const levels = u.tp === undefined ? p.targets.slice(p.filled) : newTargets(p, typeof u.tp === 'number' ? [u.tp] : u.tp, reference, what);
    targets = [...p.targets.slice(0, p.filled), ...levels];
    shares = [...p.shares.slice(0, p.filled), ...unfilledShares(p, levels.length, u.tp_allocation)];
  }

  const slMode = u.sl_mode ?? p.slMode;
  const stopLoss = nextStop(p, u, slMode, targets, reference, what);

  let trailing = p.trailing === null ? null : { ...p.trailing };
  if (u.trailing_stop === null) trailing = null;
  else if (u.trailing_stop !== undefined) trailing = { callbackRate: u.trailing_stop.callback_rate, activationPrice: u.trailing_stop.activation_price ?? null };

  return { direction: p.direction, entryPrice: p.entryPrice, targets, shares, filled: p.filled, stopLoss, slMode, trailing };
}

/**
 * Applies an update to the unfilled part of a plan (SPEC §9). `lastPrice` is the last price of the
 * trade's market; undefined before the first tick, and for a PENDING trade (ENTRY_MODE=touch: its
 * levels are judged from the entry it waits for, not from where the price is), entry stands in
 * for it. Refusals name the field.
 *
 * - `tp` replaces the unfilled targets; filled ones stay. The new levels continue the order after
 *   the last filled target (or entry), at most 10 targets in all, each beyond the last price in the
 *   profit direction (a target the price has reached would fill at once).
 * - Shares. `shares` are fractions of the whole position, and a filled target's share is spent: it
 *   stays as it was. What an update allocates is the part still open, U = the sum of the unfilled
 *   shares before the update (the remaining quantity over the quantity). A bot writes
 *   `tp_allocation` as it sees the trade now, "half of what is left at TP2", so each given share
 *   must sum to 1 over the new unfilled targets, and the plan stores `given × U`. E.g. shares
 *   [0.5, 0.3, 0.2] with TP1 filled (U = 0.5) and `tp: [125, 140], tp_allocation: [0.25, 0.75]`
 *   give [0.5, 0.125, 0.375]. A new `tp` without `tp_allocation` splits U equally; a
 *   `tp_allocation` without `tp` re-splits the current unfilled targets. The shares still sum to 1.
 *   (The unfilled legs' quantities are the remaining quantity × the given shares, the last taking
 *   what is left, so filled and open legs still sum to the trade's quantity.)
 * - `sl` must be on the loss side of the last price (LONG below, SHORT above). The new or kept
 *   `sl_mode` applies to the targets filled so far, as if it had been in force: switching to
 *   breakeven after TP1 moves the stop to entry at once (refused, naming `sl_mode`, when that is
 *   at or beyond the last price). A given `sl` less protective than where the mode puts the stop
 *   is refused rather than silently raised: loosening it takes `sl_mode: "fixed"` in the same update.
 * - `trailing_stop` replaces the trailing stop; `null` removes it.
 */
export function applySignalUpdate(current: SignalPlan, update: SignalUpdateTerms, lastPrice: number | undefined): SignalUpdateOutcome {
  if (lastPrice !== undefined && !(Number.isFinite(lastPrice) && lastPrice > 0)) throw new RangeError(`lastPrice ${lastPrice} must be a positive number`);
  try {
    return { ok: true, next: nextPlan(current, update, lastPrice) };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return { ok: false, error: { code: ERROR_CODES.VALIDATION_ERROR, message: e.message, field: e.field } };
  }
}
