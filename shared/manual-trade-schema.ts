// Inbound payloads of the user API (SPEC §4): accounts and manual trades. Validated once at the edge;
// the level rules are the signal's (LONG sl < entry < tp, SHORT mirrored), named by this API's fields.
import { z } from 'zod';
import { DEFAULTS, DIRECTIONS, MARKET_TYPES, MAX_LEVERAGE, TIMEFRAMES, type Direction } from './constants.ts';
import { priceSchema, symbolSchema } from './signal-schema.ts';

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

export interface LevelIssue {
  field: 'take_profit' | 'stop_loss';
  message: string;
}

/** The signal rule (SPEC §1) on a manual trade's levels; empty when they are consistent. */
export function levelIssues(direction: Direction, entry: number, takeProfit: number, stopLoss: number): LevelIssue[] {
  const long = direction === 'LONG';
  const out: LevelIssue[] = [];
  if (long ? !(stopLoss < entry) : !(stopLoss > entry)) {
    out.push({ field: 'stop_loss', message: long ? 'LONG needs stop_loss < entry_price' : 'SHORT needs stop_loss > entry_price' });
  }
  if (long ? !(takeProfit > entry) : !(takeProfit < entry)) {
    out.push({ field: 'take_profit', message: long ? 'LONG needs take_profit > entry_price' : 'SHORT needs take_profit < entry_price' });
  }
  return out;
}

export const manualTradeSchema = z
  .object({
    symbol: symbolSchema,
    direction: z.enum(DIRECTIONS),
    /** A price, or "market": the book's last price for the symbol at the time of the request. */
    entry_price: z.union([z.literal('market'), priceSchema]),
    take_profit: priceSchema,
    stop_loss: priceSchema,
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
    // A market entry is checked once its price is known (the service does it with levelIssues).
    if (t.entry_price !== 'market') {
      for (const i of levelIssues(t.direction, t.entry_price, t.take_profit, t.stop_loss)) {
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
