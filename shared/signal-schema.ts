// Inbound signal payload (SPEC §1): validated once at the edge, for the socket event and REST alike.
import { z } from 'zod';
import { DEFAULTS, DIRECTIONS, SL_MODES, MARKET_TYPES, MAX_LEVERAGE, SYMBOL_PATTERN, BOT_NAME_PATTERN, TIMEFRAMES } from './constants.ts';
import { roundMoney } from './trade-math.ts';
import { MAX_TARGETS, validateAllocation } from './leg-math.ts';

const MAX_PRICE = 1e12;

/** A positive, finite price; numeric strings ("50123.5") are accepted as the replaced system did. */
export const priceSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,13}(\.\d{1,12})?$/, 'must be a decimal number'),
  ])
  .transform((v) => (typeof v === 'string' ? Number(v) : v))
  .refine((v) => Number.isFinite(v), 'must be a finite number')
  // Validated as stored (NUMERIC, 8 decimals): 1e-10 would be stored as 0, and sl < entry could become sl = entry.
  .transform(roundMoney)
  .refine((v) => v > 0, 'must be positive (at least 0.00000001)')
  .refine((v) => v < MAX_PRICE, `must be below ${MAX_PRICE}`);

export const symbolSchema = z.string().max(20).regex(SYMBOL_PATTERN, 'must be 2-20 upper-case letters or digits, e.g. BTCUSDT');

/** A bot's name as a query filter (SPEC §11): exact, as its token was named. */
export const botNameSchema = z
  .string()
  .trim()
  .max(64)
  .regex(BOT_NAME_PATTERN, 'must be a bot name: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Free text that PostgreSQL can store (no NUL) and a log can show (no control characters). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/** An id or a name: trimmed, 1 to `max` characters, no control characters. */
export const textId = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

// 9999-12-31T23:59:59.999Z: PostgreSQL stores 5-digit years, but they come back as text that
// neither our row decoder nor Date parses (a tick stamped 22988 broke the public list with a 500).
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

const timestampSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int().positive().max(MAX_TIMESTAMP_MS, 'must be before the year 10000')])
  .transform((v) => new Date(v));

/** SPEC §9: how far a trailing stop trails the best price, as a fraction. */
export const TRAILING_RATE_MIN = 0.001;
export const TRAILING_RATE_MAX = 0.2;

const TARGET_COUNT = `1 to ${MAX_TARGETS} targets`;
/**
 * `tp`: one level (as before) or 1–10 levels (SPEC §9). The union's own message is spelled out:
 * zod reports an over-long array (and an element of the wrong type) as a bare "Invalid input".
 */
export const targetsSchema = z.union([priceSchema, z.array(priceSchema).min(1, TARGET_COUNT).max(MAX_TARGETS, TARGET_COUNT)], {
  error: (issue) => {
    if (!Array.isArray(issue.input)) return `must be a price or a list of ${TARGET_COUNT}`;
    if (issue.input.length < 1 || issue.input.length > MAX_TARGETS) return TARGET_COUNT;
    return 'every target must be a price (a number or a decimal string)';
  },
});
export const allocationSchema = z.array(z.number().finite()).min(1).max(MAX_TARGETS);
export const trailingStopSchema = z.strictObject({
  callback_rate: z.number().min(TRAILING_RATE_MIN, `must be at least ${TRAILING_RATE_MIN}`).max(TRAILING_RATE_MAX, `must be at most ${TRAILING_RATE_MAX}`),
  activation_price: priceSchema.optional(),
});

type Ctx = z.RefinementCtx;

/**
 * The target rules of SPEC §9 on already-parsed levels: strictly moving away from `entry` in the
 * profit direction, and an allocation (if any) that fits them. Returns the shares, or undefined
 * after adding the issue (field `tp` or `tp_allocation`).
 */
export function checkTargets(
  long: boolean,
  entry: number,
  levels: readonly number[],
  allocation: readonly number[] | undefined,
  ctx: Ctx,
): number[] | undefined {
  let prev = entry;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as number;
    if (long ? !(l > prev) : !(l < prev)) {
      const what =
        i === 0
          ? long
            ? 'LONG needs tp > entry'
            : 'SHORT needs tp < entry'
          : `target ${i + 1} must be ${long ? 'above' : 'below'} target ${i} (${long ? 'ascending' : 'descending'})`;
      ctx.addIssue({ code: 'custom', path: ['tp'], message: what });
      return undefined;
    }
    prev = l;
  }
  const shares = validateAllocation(levels.length, allocation);
  if (!shares.ok) {
    const field = shares.error.field ?? 'tp_allocation';
    // validateAllocation's message starts with the field for its other callers; parseWith adds it again.
    const prefix = `${field}: `;
    const message = shares.error.message.startsWith(prefix) ? shares.error.message.slice(prefix.length) : shares.error.message;
    ctx.addIssue({ code: 'custom', path: [field], message });
    return undefined;
  }
  return shares.shares;
}

export const signalSchema = z
  .object({
    external_id: textId(128).optional(),
    source: textId(64).optional(),
    symbol: symbolSchema,
    direction: z.enum(DIRECTIONS),
    timeframe: z.enum(TIMEFRAMES).default(DEFAULTS.timeframe),
    entry: priceSchema,
    tp: targetsSchema,
    tp_allocation: allocationSchema.optional(),
    sl: priceSchema,
    sl_mode: z.enum(SL_MODES).default('fixed'),
    trailing_stop: trailingStopSchema.optional(),
    confidence: z.number().min(0).max(1).default(DEFAULTS.confidence),
    market_type: z.enum(MARKET_TYPES).default(DEFAULTS.marketType),
    leverage: z.number().int().min(1).max(MAX_LEVERAGE).default(DEFAULTS.leverage),
    expires_at: timestampSchema.optional(),
  })
  .transform((s, ctx) => {
    const long = s.direction === 'LONG';
    if (long ? !(s.sl < s.entry) : !(s.sl > s.entry)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sl'],
        message: long ? 'LONG needs sl < entry' : 'SHORT needs sl > entry',
      });
    }
    const levels = typeof s.tp === 'number' ? [s.tp] : s.tp;
    // A number tp is one target: checkTargets refuses an allocation of any other length.
    const shares = checkTargets(long, s.entry, levels, s.tp_allocation, ctx);
    if (s.leverage > 1 && s.market_type !== 'FUTURES') {
      ctx.addIssue({ code: 'custom', path: ['leverage'], message: 'leverage above 1 needs market_type FUTURES' });
    }
    const { tp_allocation: _allocation, trailing_stop: trailing, ...rest } = s;
    return {
      ...rest,
      /** The last target: what single-target readers (take_profit) see. */
      tp: levels[levels.length - 1] as number,
      targets: levels,
      shares: shares ?? levels.map(() => 1 / levels.length),
      trailing_stop: trailing,
    };
  });

export type SignalInput = z.input<typeof signalSchema>;
export type SignalPayload = z.output<typeof signalSchema>;
type PlanKeys = 'targets' | 'shares' | 'sl_mode' | 'trailing_stop';
/** A signal as stores and ledgers take it: the §9 plan optional (absent = one target at `tp`, fixed stop), as payloads written before §9 are. */
export type StoredSignal = Omit<SignalPayload, PlanKeys> & Partial<Pick<SignalPayload, PlanKeys>>;

export const signalCancelSchema = z
  .object({
    signal_id: z.number().int().positive().optional(),
    external_id: textId(128).optional(),
  })
  .refine((v) => v.signal_id !== undefined || v.external_id !== undefined, {
    message: 'signal_id or external_id is required',
    path: ['signal_id'],
  });
export type SignalCancelPayload = z.output<typeof signalCancelSchema>;

export const priceTickSchema = z.object({
  symbol: symbolSchema,
  price: priceSchema,
  ts: z.number().int().nonnegative().max(MAX_TIMESTAMP_MS, 'must be before the year 10000'),
  /** The market the price is from; absent = the symbol's price on both markets (SPEC §10). */
  market: z.enum(MARKET_TYPES).optional(),
});
export const pricesPayloadSchema = z.object({ ticks: z.array(priceTickSchema).min(1).max(1000) });
export type PricesPayload = z.output<typeof pricesPayloadSchema>;
