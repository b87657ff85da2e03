// The performance filters of SPEC §3: a URL query schema (strings → typed) and the filter itself.
import { z } from 'zod';
import type { Direction, MarketType, Timeframe } from '../constants.ts';
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES } from '../constants.ts';
import { botNameSchema, symbolSchema } from '../signal-schema.ts';
import type { MetricTrade } from './metric-trade.ts';
import { canonicalTimeZone, isTimeZone } from './time-zone.ts';
import { MAX_EQUITY_POINTS, MIN_EQUITY_POINTS } from './equity-curve.ts';

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
  /** Not a filter: the zone `daily`/`monthly` are in (SPEC §12). Canonical spelling, so equal zones share a cache entry. */
  tz: z.preprocess(
    blankToUndefined,
    z.string().trim().max(64).refine(isTimeZone, 'must be an IANA time zone name such as Europe/Paris').transform(canonicalTimeZone).optional(),
  ),
  /** Not a filter: how many points of `equity_curve` at most (boundEquityCurve), or `all`; the default is DEFAULT_EQUITY_POINTS. */
  equity_points: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(all|\d{1,7})$/, `must be a whole number of points (${MIN_EQUITY_POINTS} to ${MAX_EQUITY_POINTS}) or "all"`)
      .transform((v) => (v === 'all' ? ('all' as const) : Number(v)))
      .pipe(
        z.union([
          z.literal('all'),
          z
            .number()
            .int()
            .min(MIN_EQUITY_POINTS, `must be at least ${MIN_EQUITY_POINTS}`)
            .max(MAX_EQUITY_POINTS, `must be at most ${MAX_EQUITY_POINTS} (or "all")`),
        ]),
      )
      .optional(),
  ),
});

export type PerformanceQuery = z.output<typeof performanceQuerySchema>;

/** Every query key, read from the schema so a new one (e.g. `bot`) reaches cache keys without another list. */
export const PERFORMANCE_QUERY_KEYS = Object.keys(performanceQuerySchema.shape).sort() as (keyof PerformanceQuery)[];

/** Keys that change how the chosen trades are shown, not which trades are chosen. */
const PRESENTATION_KEYS: ReadonlySet<string> = new Set(['tz', 'equity_points']);

/** Filters matched by equality against the MetricTrade field of the same name. */
const EQUALITY_KEYS = PERFORMANCE_QUERY_KEYS.filter((k) => k !== 'days' && !PRESENTATION_KEYS.has(k)) as (keyof PerformanceFilters & keyof MetricTrade)[];

/** True when no key picks trades (a `tz` or `equity_points` alone still covers every trade). */
export function isUnfiltered(f: PerformanceQuery): boolean {
  return PERFORMANCE_QUERY_KEYS.every((k) => PRESENTATION_KEYS.has(k) || f[k] === undefined);
}

/** Returns the trades matching every given filter; `now` in epoch ms (passed in, not read). */
export function filterTrades<T extends MetricTrade>(trades: readonly T[], filters: PerformanceFilters, now: number): T[] {
  const since = filters.days === undefined ? undefined : now - filters.days * MS_PER_DAY;
  const eq = EQUALITY_KEYS.filter((k) => filters[k] !== undefined);
  return trades.filter((t) => (since === undefined || t.entry_time >= since) && eq.every((k) => t[k] === filters[k]));
}
