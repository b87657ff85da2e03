// Per-symbol feed health: age and ticks/s over complete seconds, with fake time.
import { describe, expect, it } from 'vitest';
import { FeedHealth } from '../../server/analytics/feed-health.ts';

const all = () => true;
const never = () => false;

describe('FeedHealth', () => {
  it('reports age of the last tick and the rate over the last 10 complete seconds', () => {
    const h = new FeedHealth(10);
    const t0 = 1_000_000;
    for (let s = 0; s < 20; s++) for (let k = 0; k < 5; k++) h.record('BTCUSDT', t0 + s * 1000 + k * 100);
    h.record('ETHUSDT', t0);
    const rows = h.rows(t0 + 20_000, all, (s) => s === 'ETHUSDT');
    expect(rows).toEqual([
      { symbol: 'BTCUSDT', age_ms: 600, ticks_per_second: 5, stale: false },
      { symbol: 'ETHUSDT', age_ms: 20_000, ticks_per_second: 0, stale: true },
    ]);
  });

  it('forgets buckets older than the window after a silence, and filters symbols', () => {
    const h = new FeedHealth(10);
    for (let i = 0; i < 50; i++) h.record('BTCUSDT', i * 20);
    expect(h.rows(1500, all, never)[0]!.ticks_per_second).toBe(5);
    expect(h.rows(60_000, all, never)[0]!.ticks_per_second).toBe(0);
    expect(h.rows(1500, never, never)).toEqual([]);
  });
});
