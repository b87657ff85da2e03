// When a failed notification is tried again: doubling delays with equal jitter, a receiver's
// retry-after honoured, tries until the window's end and none after.
import { describe, expect, it } from 'vitest';
import { retryDelayMs, type RetryPolicy } from '../../server/notify/retry-policy.ts';

const P: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, windowMs: 24 * 3_600_000 };
const T0 = 1_700_000_000_000;

describe('retryDelayMs', () => {
  it('doubles per failure between half and all of the exponential delay, capped', () => {
    for (const [attempts, exp] of [
      [1, 1_000],
      [2, 2_000],
      [5, 16_000],
      [7, 60_000],
      [40, 60_000],
    ] as const) {
      expect(retryDelayMs(P, attempts, T0, T0, undefined, () => 0)).toBe(exp / 2);
      expect(retryDelayMs(P, attempts, T0, T0, undefined, () => 0.999999)).toBeCloseTo(exp, -1);
    }
  });

  it("waits at least as long as the receiver asks, but not past the window's end", () => {
    expect(retryDelayMs(P, 1, T0, T0, 30_000, () => 0)).toBe(30_000);
    expect(retryDelayMs(P, 1, T0, T0 + P.windowMs - 5_000, 30_000, () => 0)).toBe(5_000);
  });

  it('keeps trying for the whole window, then gives up', () => {
    let now = T0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const d = retryDelayMs(P, attempts, T0, now, undefined, Math.random);
      if (d === null) break;
      now += d;
    }
    expect(now - T0).toBe(P.windowMs);
    // ~1 min apart once capped: 24 h of tries
    expect(attempts).toBeGreaterThan(24 * 60);
    expect(retryDelayMs(P, 1, T0, T0 + P.windowMs, undefined, () => 0)).toBeNull();
  });
});
