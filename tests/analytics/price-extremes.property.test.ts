// PriceExtremes against a brute-force scan of the recorded tick stream (fast-check): any range,
// any gaps, including ranges that reach past the ring (only the part still held is compared).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceExtremes } from '../../server/analytics/price-extremes.ts';

interface Tick {
  ts: number;
  price: number;
}

const stream = fc
  .array(
    fc.record({ gapMs: fc.oneof(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 0, max: 120_000 })), price: fc.double({ min: 1, max: 1e5, noNaN: true }) }),
    {
      minLength: 1,
      maxLength: 400,
    },
  )
  .map((steps) => {
    let ts = 1_700_000_000_000;
    return steps.map((s) => ({ ts: (ts += s.gapMs), price: s.price }));
  });

describe('PriceExtremes', () => {
  it('answers range max/min exactly like a brute-force scan of the kept window', () => {
    fc.assert(
      fc.property(
        stream,
        fc.integer({ min: 4, max: 64 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1 }), fc.double({ min: 0, max: 1 })), { minLength: 1, maxLength: 20 }),
        (ticks: Tick[], cap, queries) => {
          const x = new PriceExtremes(cap);
          for (const t of ticks) x.record('BTC', t.price, t.ts);
          const first = ticks[0]!.ts;
          const last = ticks.at(-1)!.ts;
          const curSec = Math.floor(last / 1000);
          for (const [a, b] of queries) {
            const from = first - 5000 + Math.floor(Math.min(a, b) * (last - first + 10_000));
            const to = first - 5000 + Math.floor(Math.max(a, b) * (last - first + 10_000));
            const got = x.range('BTC', from, to)!;
            const lo = Math.max(Math.floor(from / 1000), curSec - cap + 1);
            const hi = Math.floor(to / 1000);
            const inRange = ticks.filter((t) => Math.floor(t.ts / 1000) >= lo && Math.floor(t.ts / 1000) <= hi).map((t) => t.price);
            expect(got.max).toBe(inRange.length ? Math.max(...inRange) : -Infinity);
            expect(got.min).toBe(inRange.length ? Math.min(...inRange) : Infinity);
            if (Math.floor(from / 1000) <= curSec - cap) expect(got.complete).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('grows from 16 s to a long capacity without losing a second, and prunes symbols', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 65, max: 5000 }), (ticks: Tick[], cap) => {
        const x = new PriceExtremes(cap);
        for (const t of ticks) x.record('BTC', t.price, t.ts);
        const first = ticks[0]!.ts;
        const last = ticks.at(-1)!.ts;
        const lo = Math.max(Math.floor(first / 1000), Math.floor(last / 1000) - cap + 1);
        const kept = ticks.filter((t) => Math.floor(t.ts / 1000) >= lo).map((t) => t.price);
        const got = x.range('BTC', first, last)!;
        expect(got.max).toBe(Math.max(...kept));
        expect(got.min).toBe(Math.min(...kept));
        expect(got.complete).toBe(Math.floor(last / 1000) - Math.floor(first / 1000) < cap);
      }),
      { numRuns: 300 },
    );
    const x = new PriceExtremes(6 * 3600);
    for (let s = 0; s < 100; s++) x.record('ETH', 1 + s, 1_700_000_000_000 + s * 1000);
    x.record('BTC', 1, 1_700_000_000_000);
    // 100 s of history is a 128-slot ring (2 trees of 256 doubles), not the 6 h one.
    expect(x.bytes).toBeLessThan(2 * (2 * 256 * 8) + 1);
    x.prune((s) => s === 'ETH');
    expect(x.symbols).toBe(1);
    expect(x.range('BTC', 0, Date.now())).toBeNull();
    expect(x.range('ETH', 1_700_000_000_000, 1_700_000_099_000)).toMatchObject({ max: 100, min: 1, complete: true });
  });

  it('is null for a symbol never seen, and ignores a tick older than the current bucket', () => {
    const x = new PriceExtremes(10);
    expect(x.range('ETH', 0, 1)).toBeNull();
    x.record('ETH', 10, 5_000);
    x.record('ETH', 99, 3_000);
    expect(x.range('ETH', 0, 10_000)).toMatchObject({ max: 10, min: 10 });
  });
});
