// Query string of GET /api/public/candles/ (SPEC §13), validated at the edge with `parseWith`
// (errors name the field). `from` is inclusive and `to` exclusive, epoch milliseconds; both are
// widened to whole candles, and at most MAX_CANDLES_PER_ANSWER fit between them.
import { z } from 'zod';
import { DEFAULTS, MARKET_TYPES } from './constants.ts';
import { CANDLE_INTERVALS, INTERVAL_MS, MAX_CANDLES_PER_ANSWER, type CandleInterval } from './candles.ts';
import { symbolSchema } from './signal-schema.ts';

const blank = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const upper = (v: unknown): unknown => {
  const b = blank(v);
  return typeof b === 'string' ? b.trim().toUpperCase() : b;
};
const epochMs = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, 'must be a time in epoch milliseconds, e.g. 1764720000000')
  .transform(Number);

export const candleQuerySchema = z
  .object({
    symbol: z.preprocess(upper, symbolSchema),
    market_type: z.preprocess(upper, z.enum(MARKET_TYPES).default(DEFAULTS.marketType)),
    interval: z.preprocess(blank, z.enum(CANDLE_INTERVALS, { error: `must be one of ${CANDLE_INTERVALS.join(', ')}` }).default('1m')),
    from: z.preprocess(blank, epochMs.optional()),
    to: z.preprocess(blank, epochMs.optional()),
  })
  .superRefine((q, ctx) => {
    if (q.from === undefined || q.to === undefined) return;
    if (q.to <= q.from) return void ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    const n = spanOf(q.interval, q.from, q.to);
    if (n > MAX_CANDLES_PER_ANSWER) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `from..to spans ${n} ${q.interval} candles; at most ${MAX_CANDLES_PER_ANSWER} per answer` });
    }
  });

export type CandleQuery = z.output<typeof candleQuerySchema>;

const floorTo = (t: number, ms: number) => t - (t % ms);
const ceilTo = (t: number, ms: number) => floorTo(t + ms - 1, ms);

function spanOf(interval: CandleInterval, from: number, to: number): number {
  const ms = INTERVAL_MS[interval];
  return (ceilTo(to, ms) - floorTo(from, ms)) / ms;
}

/**
 * The [from, to) a query reads, in whole candles: as given; from `from` forward (at most up to the
 * candle open at `now`); or the last MAX_CANDLES_PER_ANSWER up to `to` (default: the open candle).
 */
export function candleWindow(q: CandleQuery, now: number): { from: number; to: number } {
  const ms = INTERVAL_MS[q.interval];
  const most = MAX_CANDLES_PER_ANSWER * ms;
  if (q.from !== undefined && q.to !== undefined) return { from: floorTo(q.from, ms), to: ceilTo(q.to, ms) };
  if (q.from !== undefined) {
    const from = floorTo(q.from, ms);
    return { from, to: Math.max(from + ms, Math.min(from + most, ceilTo(now + 1, ms))) };
  }
  const to = ceilTo(q.to ?? now + 1, ms);
  return { from: to - most, to };
}
