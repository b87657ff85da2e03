// boundEquityCurve (performance/'s `equity_points`): a subset in order, never more points than
// asked, and the same first and last point, range and largest fall as the full curve; and the
// query parameter's parsing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundEquityCurve, MAX_EQUITY_POINTS, MIN_EQUITY_POINTS, type EquityPointJson } from '../../../shared/metrics/equity-curve.ts';
import { performanceQuerySchema } from '../../../shared/metrics/filters.ts';
import { isUnfiltered } from '../../../shared/metrics/index.ts';

const curve = (values: number[]): EquityPointJson[] => values.map((value, i) => ({ time: 1_700_000_000 + i, value }));

function largestFall(points: readonly EquityPointJson[]): number {
  let peak = -Infinity;
  let fall = 0;
  for (const p of points) {
    peak = Math.max(peak, p.value);
    fall = Math.max(fall, peak - p.value);
  }
  return fall;
}

describe('boundEquityCurve', () => {
  it('keeps a curve that fits, and every point with "all"', () => {
    const c = curve([1, 2, 3, 4, 5]);
    expect(boundEquityCurve(c, 8)).toEqual(c);
    const big = curve(Array.from({ length: 500 }, (_, i) => Math.sin(i)));
    expect(boundEquityCurve(big, 'all')).toEqual(big);
  });

  it('keeps the fall that M4 buckets alone would miss (peak and trough inside one bucket, between its first and its extremes)', () => {
    // 10 points into 8: one bucket of ten; first 3, max 10 (last), min 0: the 5 → 0 fall is the largest.
    const c = curve([3, 5, 0, 4, 4, 4, 4, 4, 4, 10]);
    const b = boundEquityCurve(c, 8);
    expect(b.map((p) => p.value)).toEqual([3, 5, 0, 10]);
    expect(largestFall(b)).toBe(5);
  });

  it('is a subset in order, within the bound, with the same ends, range and largest fall', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: MIN_EQUITY_POINTS, max: 400 }),
        (cents, max) => {
          let sum = 0;
          const full = curve(cents.map((c) => (sum += c) / 100));
          const b = boundEquityCurve(full, max);
          expect(b.length).toBeLessThanOrEqual(max);
          if (full.length <= max) expect(b).toEqual(full);
          // A subset in order: each point is one of the full curve's, times strictly rising.
          const byTime = new Map(full.map((p) => [p.time, p.value]));
          for (let i = 0; i < b.length; i++) {
            expect(byTime.get(b[i]!.time)).toBe(b[i]!.value);
            if (i > 0) expect(b[i]!.time).toBeGreaterThan(b[i - 1]!.time);
          }
          expect(b[0]).toEqual(full[0]);
          expect(b.at(-1)).toEqual(full.at(-1));
          const values = (ps: EquityPointJson[]) => ps.map((p) => p.value);
          expect(Math.min(...values(b))).toBe(Math.min(...values(full)));
          expect(Math.max(...values(b))).toBe(Math.max(...values(full)));
          expect(largestFall(b)).toBe(largestFall(full));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('equity_points query parameter', () => {
  const parse = (v: string) => performanceQuerySchema.safeParse({ equity_points: v });
  it('takes a whole number in range or "all" (any case), and a blank as absent', () => {
    expect(parse('500').data?.equity_points).toBe(500);
    expect(parse(' ALL ').data?.equity_points).toBe('all');
    expect(parse('').data?.equity_points).toBeUndefined();
    expect(parse(String(MIN_EQUITY_POINTS)).success).toBe(true);
    expect(parse(String(MAX_EQUITY_POINTS)).success).toBe(true);
  });
  it('refuses anything else', () => {
    for (const bad of ['7', String(MAX_EQUITY_POINTS + 1), '-5', '1.5', 'many', '1e3']) expect(parse(bad).success, bad).toBe(false);
  });
  it('is not a filter: the unfiltered record stays unfiltered', () => {
    expect(isUnfiltered(performanceQuerySchema.parse({ equity_points: '100', tz: 'Asia/Tokyo' }))).toBe(true);
  });
});
