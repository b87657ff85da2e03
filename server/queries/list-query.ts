// Query-string schema of the public trade list (SPEC §4), DRF-compatible names.
import { z } from 'zod';
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES, TRADE_STATUSES } from '../../shared/constants.ts';
import { botNameSchema, symbolSchema } from '../../shared/signal-schema.ts';

const blank = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const upper = (v: unknown): unknown => {
  const b = blank(v);
  return typeof b === 'string' ? b.trim().toUpperCase() : b;
};
const positiveInt = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, 'must be a positive whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

export const ORDERINGS = ['entry_time', 'exit_time', 'profit_loss'] as const;

export const listQuerySchema = z.object({
  page: z.preprocess(blank, positiveInt(1_000_000).default(1)),
  page_size: z.preprocess(blank, positiveInt(100).default(20)),
  status: z.preprocess(upper, z.enum(TRADE_STATUSES).optional()),
  symbol: z.preprocess(upper, symbolSchema.optional()),
  direction: z.preprocess(upper, z.enum(DIRECTIONS).optional()),
  market_type: z.preprocess(upper, z.enum(MARKET_TYPES).optional()),
  timeframe: z.preprocess(blank, z.enum(TIMEFRAMES).optional()),
  bot: z.preprocess(blank, botNameSchema.optional()),
  ordering: z.preprocess(
    blank,
    z
      .string()
      .regex(/^-?(entry_time|exit_time|profit_loss)$/, `must be one of ${ORDERINGS.join(', ')} with an optional - prefix`)
      .default('-entry_time'),
  ),
});

export type ListQuery = z.output<typeof listQuerySchema>;

export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

/** The public list also takes `cursor` (from a `next` link) for pages past PUBLIC_LIST_MAX_OFFSET. */
export const publicListQuerySchema = listQuerySchema.extend({
  cursor: z.preprocess(
    blank,
    z
      .string()
      .max(512, 'is not a cursor from a `next` link')
      .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from a `next` link')
      .optional(),
  ),
});

export type PublicListQuery = z.output<typeof publicListQuerySchema>;

/** `?bot=` alone (SPEC §11): the reads that take no other filter (summary/, open-positions/, badge, ledger verify). */
export const botQuerySchema = z.object({ bot: z.preprocess(blank, botNameSchema.optional()) });

/** `GET /api/public/ledger/`'s query: a page of rows after a seq, optionally one bot's. */
/** `GET /api/public/ledger/checkpoints/`: checkpoints with seq > after, ascending. */
export const checkpointPageQuerySchema = z.object({
  after: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const ledgerPageQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  bot: z.preprocess(blank, botNameSchema.optional()),
});
