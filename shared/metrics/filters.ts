// The performance filters of SPEC §3: a URL query schema (strings → typed) and the filter itself.
import { z } from 'zod';
import type { Direction, MarketType, Timeframe } from '../constants.ts';
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES } from '../constants.ts';
import { botNameSchema, symbolSchema } from '../signal-schema.ts';
import type { MetricTrade } from './metric-trade.ts';

const MS_PER_DAY = 86_400_000;
const MAX_DAYS = 36_500;

export interface PerformanceFilters {
  /** Keep trades whose entry_time lies within the last `days` days before `now`. */
  days?: number;
  direction?: Direction;
  symbol?: string;
  market_type?: MarketType;
  timeframe?: Timeframe;
  /** One bot's trades (SPEC §11). */
  bot?: string;
}

/** An empty query value (`?symbol=`, as an empty form field sends) means "no filter". */
const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const upperTrimmed = (v: unknown): unknown => {
  const b = blankToUndefined(v);
  return typeof b === 'string' ? b.trim().toUpperCase() : b;
};

/**
 * Query-string filters (all optional). Symbol, direction and market_type are case-insensitive
 * (`btcusdt`, `long`); timeframe is exact (`1m` is not `1M`). Unknown keys are ignored.
 * Use with `parseWith` from shared/validation.ts for a `{code, message, field}` error.
 */
export const performanceQuerySchema = z.object({
  days: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number of days')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_DAYS, `must be at most ${MAX_DAYS}`))
      .optional(),
  ),
  direction: z.preprocess(upperTrimmed, z.enum(DIRECTIONS).optional()),
  symbol: z.preprocess(upperTrimmed, symbolSchema.optional()),
  market_type: z.preprocess(upperTrimmed, z.enum(MARKET_TYPES).optional()),
  timeframe: z.preprocess(blankToUndefined, z.enum(TIMEFRAMES).optional()),
  bot: z.preprocess(blankToUndefined, botNameSchema.optional()),
});

export type PerformanceQuery = z.output<typeof performanceQuerySchema>;

/** Returns the trades matching every given filter; `now` in epoch ms (passed in, not read). */
export function filterTrades(trades: readonly MetricTrade[], filters: PerformanceFilters, now: number): MetricTrade[] {
  const since = filters.days === undefined ? undefined : now - filters.days * MS_PER_DAY;
  return trades.filter(
    (t) =>
      (since === undefined || t.entry_time >= since) &&
      (filters.direction === undefined || t.direction === filters.direction) &&
      (filters.symbol === undefined || t.symbol === filters.symbol) &&
      (filters.market_type === undefined || t.market_type === filters.market_type) &&
      (filters.timeframe === undefined || t.timeframe === filters.timeframe) &&
      (filters.bot === undefined || t.bot === filters.bot),
  );
}
