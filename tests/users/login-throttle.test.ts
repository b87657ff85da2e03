// LoginThrottle with fake time: the doubling delay and its cap, the per-source budget, the hot-
// username rule that only slows, and bounded memory under a flood of distinct keys.
import { describe, expect, it } from 'vitest';
import { LoginThrottle, type LoginThrottleLimits } from '../../server/users/login-throttle.ts';
import { sourceKey } from '../../server/users/source-key.ts';

const LIMITS: LoginThrottleLimits = { failuresPerSource: 5, backoffBaseMs: 1_000, backoffMaxMs: 900_000, failuresPerIpPerHour: 100, failuresPerUsername: 50 };

/** Wrong passwords as fast as allowed: each waits exactly its refusal's delay, then tries again. */
function delaysOf(t: LoginThrottle, n: number, username = 'u', source = 's'): number[] {
  let now = 0;
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = t.attempt(username, source, now);
    delays.push(r ? r.retryAfterMs : 0);
    if (r) {
      now += r.retryAfterMs;
      expect(t.attempt(username, source, now)).toBeNull();
    }
  }
  return delays;
}

describe('LoginThrottle', () => {
  it('five free failures per (username, source), then 1 s, 2 s, 4 s … capped at 15 min', () => {
    const d = delaysOf(new LoginThrottle({ ...LIMITS, failuresPerIpPerHour: 1e9 }), 18);
    expect(d.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 1_000]);
    expect(d.slice(6, 10)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(d.at(-1)).toBe(900_000);
  });

  it('a success resets only its own pair', () => {
    const t = new LoginThrottle(LIMITS);
    for (let i = 0; i < 5; i++) t.attempt('u', 'a', 0);
    for (let i = 0; i < 5; i++) t.attempt('u', 'b', 0);
    t.succeeded('u', 'a', 0);
    expect(t.attempt('u', 'a', 1)).toBeNull();
    expect(t.attempt('u', 'b', 1)).toMatchObject({ reason: 'pair' });
  });

  it('a source is refused for the rest of the hour after its budget of failures across usernames', () => {
    const t = new LoginThrottle(LIMITS);
    for (let i = 0; i < 100; i++) expect(t.attempt(`user${i}`, 'a', 10)).toBeNull();
    expect(t.attempt('fresh', 'a', 20)).toEqual({ reason: 'source', retryAfterMs: 3_600_000 - 10 });
    expect(t.attempt('fresh', 'b', 20)).toBeNull();
    expect(t.attempt('fresh', 'a', 3_600_010)).toBeNull();
  });

  it('a hot username gives each source one free try, and a source with no failures always gets one', () => {
    const t = new LoginThrottle(LIMITS);
    for (let s = 0; s < 50; s++) t.attempt('victim', `attacker${s}`, 0);
    expect(t.attempt('victim', 'owner', 1)).toBeNull();
    expect(t.attempt('victim', 'newcomer', 1)).toBeNull();
    expect(t.attempt('victim', 'newcomer', 2)).toMatchObject({ reason: 'pair', retryAfterMs: 999 });
    expect(t.attempt('victim', 'newcomer', 1_001)).toBeNull();
  });

  it('attempts admitted together count before their passwords are checked; a released one does not count', () => {
    const t = new LoginThrottle(LIMITS);
    const admitted = Array.from({ length: 20 }, () => t.attempt('u', 's', 0)).filter((r) => r === null).length;
    expect(admitted).toBe(5);
    t.released('u', 's', 0);
    expect(t.attempt('u', 's', 0)).toBeNull();
    expect(t.attempt('u', 's', 0)).toMatchObject({ reason: 'pair' });
  });

  it('memory stays bounded under a flood of distinct usernames and sources', () => {
    const t = new LoginThrottle({ ...LIMITS, failuresPerIpPerHour: 1e9 }, 1_000);
    for (let i = 0; i < 20_000; i++) t.attempt(`u${i}`, `s${i % 3_000}`, i);
    const sizes = t as unknown as { pairs: Map<string, unknown>; sources: Map<string, unknown>; usernames: Map<string, unknown> };
    expect(sizes.pairs.size).toBeLessThanOrEqual(1_000);
    expect(sizes.sources.size).toBeLessThanOrEqual(1_000);
    expect(sizes.usernames.size).toBeLessThanOrEqual(1_000);
    // The most recent failures are the ones kept.
    expect(t.attempt('u19999', 's2999', 19_999 + 1)).toBeNull(); // one failure: still free
  });
});

describe('sourceKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not-an-address', 'not-an-address'],
  ])('%s → %s', (address, key) => {
    expect(sourceKey(address)).toBe(key);
  });
});
