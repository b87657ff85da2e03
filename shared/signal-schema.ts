// Inbound signal payload (SPEC §1): validated once at the edge, for the socket event and REST alike.
import { z } from 'zod';
import { DEFAULTS, DIRECTIONS, MARKET_TYPES, MAX_LEVERAGE, SYMBOL_PATTERN, TIMEFRAMES } from './constants.ts';
import { roundMoney } from './trade-math.ts';

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

/** Free text that PostgreSQL can store (no NUL) and a log can show (no control characters). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const textId = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

// 9999-12-31T23:59:59.999Z: PostgreSQL stores 5-digit years, but they come back as text that
// neither our row decoder nor Date parses (a tick stamped 22988 broke the public list with a 500).
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

const timestampSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int().positive().max(MAX_TIMESTAMP_MS, 'must be before the year 10000')])
  .transform((v) => new Date(v));

export const signalSchema = z
  .object({
    external_id: textId(128).optional(),
    source: textId(64).optional(),
    symbol: symbolSchema,
    direction: z.enum(DIRECTIONS),
    timeframe: z.enum(TIMEFRAMES).default(DEFAULTS.timeframe),
    entry: priceSchema,
    tp: priceSchema,
    sl: priceSchema,
    confidence: z.number().min(0).max(1).default(DEFAULTS.confidence),
    market_type: z.enum(MARKET_TYPES).default(DEFAULTS.marketType),
    leverage: z.number().int().min(1).max(MAX_LEVERAGE).default(DEFAULTS.leverage),
    expires_at: timestampSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const long = s.direction === 'LONG';
    if (long ? !(s.sl < s.entry) : !(s.sl > s.entry)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sl'],
        message: long ? 'LONG needs sl < entry' : 'SHORT needs sl > entry',
      });
    }
    if (long ? !(s.tp > s.entry) : !(s.tp < s.entry)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tp'],
        message: long ? 'LONG needs tp > entry' : 'SHORT needs tp < entry',
      });
    }
    if (s.leverage > 1 && s.market_type !== 'FUTURES') {
      ctx.addIssue({ code: 'custom', path: ['leverage'], message: 'leverage above 1 needs market_type FUTURES' });
    }
  });

export type SignalInput = z.input<typeof signalSchema>;
export type SignalPayload = z.output<typeof signalSchema>;

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
