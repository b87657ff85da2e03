// Inbound payloads of the user API (SPEC §4): accounts and manual trades. Validated once at the edge;
// the level rules and the §9 plan (targets, tp_allocation, sl_mode, trailing_stop) are the signal's,
// named by this API's fields.
import { z } from 'zod';
import { DEFAULTS, DIRECTIONS, MARKET_TYPES, MAX_LEVERAGE, SL_MODES, TIMEFRAMES, type Direction } from './constants.ts';
import { allocationSchema, checkTargets, priceSchema, symbolSchema, targetsSchema, trailingStopSchema } from './signal-schema.ts';

export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{3,32}$/;
export const PASSWORD_MIN_LENGTH = 8;
/** scrypt reads all of it: a cap keeps one request from costing seconds of CPU. */
export const PASSWORD_MAX_LENGTH = 256;
export const MAX_POSITION_SIZE = 1e7;

export const credentialsSchema = z.object({
  username: z.string({ error: 'is required' }).regex(USERNAME_PATTERN, 'must be 3-32 letters, digits, "_", "." or "-"'),
  password: z
    .string({ error: 'is required' })
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});
export type Credentials = z.output<typeof credentialsSchema>;

/** Login checks shape only (no strength rules): a wrong password is a 401, not a 400 hint. */
export const loginSchema = z.object({
  username: z.string({ error: 'is required' }).min(1, 'is required').max(64, 'is too long'),
  password: z.string({ error: 'is required' }).min(1, 'is required').max(PASSWORD_MAX_LENGTH, 'is too long'),
});

export type LevelField = 'take_profit' | 'stop_loss' | 'tp_allocation';

export interface LevelIssue {
  field: LevelField;
  message: string;
}

/**
 * checkTargets' words (the signal's `tp`, `entry`) in this API's field names: the issue names the
 * field the caller sent. `tp_allocation` is the same on both.
 */
function inThisApi(message: string): string {
  return message.replace(/\btp\b/g, 'take_profit').replace(/\bentry\b/g, 'entry_price');
}

/** A refinement context that collects checkTargets' issues as this API's LevelIssues. */
function collectingCtx(out: LevelIssue[]): z.RefinementCtx {
  return {
    value: undefined,
    issues: [],
    addIssue(issue) {
      const i = typeof issue === 'string' ? { message: issue, path: [] } : issue;
      const field = i.path?.[0] === 'tp_allocation' ? 'tp_allocation' : 'take_profit';
      out.push({ field, message: inThisApi(i.message ?? 'is invalid') });
    },
  };
}

/** A manual trade's plan (SPEC §9, as signals have it) once its levels are checked against entry. */
export interface CheckedLevels {
  issues: LevelIssue[];
  /** Each target's share (undefined when the targets or the allocation were refused). */
  shares: number[] | undefined;
}

/**
 * The signal's rules (SPEC §1, §9) on a manual trade's levels: the stop on the loss side of entry,
 * the targets (one or 1–10) strictly moving away from it on the profit side, the allocation (if
 * any) one positive share per target summing to 1. The target rules are signal-schema's own
 * (checkTargets), not a copy. No issues = consistent.
 */
export function checkLevels(
  direction: Direction,
  entry: number,
  takeProfit: number | readonly number[],
  stopLoss: number,
  allocation?: readonly number[],
): CheckedLevels {
  const long = direction === 'LONG';
  const issues: LevelIssue[] = [];
  if (long ? !(stopLoss < entry) : !(stopLoss > entry)) {
    issues.push({ field: 'stop_loss', message: long ? 'LONG needs stop_loss < entry_price' : 'SHORT needs stop_loss > entry_price' });
  }
  const levels = typeof takeProfit === 'number' ? [takeProfit] : takeProfit;
  const shares = checkTargets(long, entry, levels, allocation, collectingCtx(issues));
  return { issues, shares };
}

export const manualTradeSchema = z
  .object({
    symbol: symbolSchema,
    direction: z.enum(DIRECTIONS),
    /** A price, or "market": the book's last price for the symbol at the time of the request. */
    entry_price: z.union([z.literal('market'), priceSchema]),
    /** One level (as before) or 1–10 targets (SPEC §9, as a signal's `tp`). */
    take_profit: targetsSchema,
    /** Each target's share of the position (default: equal shares). */
    tp_allocation: allocationSchema.optional(),
    stop_loss: priceSchema,
    sl_mode: z.enum(SL_MODES).default('fixed'),
    trailing_stop: trailingStopSchema.optional(),
    position_size: z
      .number()
      .refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number')
      .refine((v) => v <= MAX_POSITION_SIZE, `must be at most ${MAX_POSITION_SIZE}`)
      .default(DEFAULTS.positionSize),
    market_type: z.enum(MARKET_TYPES).default(DEFAULTS.marketType),
    leverage: z.number().int().min(1).max(MAX_LEVERAGE).default(DEFAULTS.leverage),
    timeframe: z.enum(TIMEFRAMES).default(DEFAULTS.timeframe),
  })
  .superRefine((t, ctx) => {
    // A market entry is checked once its price is known (the service does it with checkLevels).
    if (t.entry_price !== 'market') {
      for (const i of checkLevels(t.direction, t.entry_price, t.take_profit, t.stop_loss, t.tp_allocation).issues) {
        ctx.addIssue({ code: 'custom', path: [i.field], message: i.message });
      }
    }
    if (t.leverage > 1 && t.market_type !== 'FUTURES') {
      ctx.addIssue({ code: 'custom', path: ['leverage'], message: 'leverage above 1 needs market_type FUTURES' });
    }
  });

export type ManualTradeInput = z.input<typeof manualTradeSchema>;
export type ManualTradePayload = z.output<typeof manualTradeSchema>;

/** `POST /api/paper-trades/:id/close` and friends address a trade by a positive integer id. */
export const tradeIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a trade id')
  .transform(Number);
