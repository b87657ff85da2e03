// The per-account budget's windows with a fake clock: per second, per minute, per account, and a
// refused burst still spending the minute's budget.
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../server/errors.ts';
import { UserRequestLimit } from '../../server/users/user-request-limit.ts';

describe('UserRequestLimit', () => {
  it('refuses past the per-second budget until the next second, per account', () => {
    let now = 10_000;
    const limit = new UserRequestLimit({ perSecond: 3, perMinute: 0 }, () => now);
    for (let i = 0; i < 3; i++) limit.take(1);
    expect(() => limit.take(1)).toThrow(RateLimitedError);
    limit.take(2); // another account has its own budget
    now += 1_000;
    expect(() => limit.take(1)).not.toThrow();
  });

  it('refuses past the per-minute budget for the rest of the minute; refused requests count', () => {
    let now = 60_000;
    const limit = new UserRequestLimit({ perSecond: 2, perMinute: 5 }, () => now);
    const outcomes: boolean[] = [];
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 2; i++) outcomes.push(attempt(limit));
      now += 1_000;
    }
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);
    now = 120_000;
    expect(attempt(limit)).toBe(true);
  });

  it('0 turns a window off', () => {
    const limit = new UserRequestLimit({ perSecond: 0, perMinute: 0 }, () => 0);
    for (let i = 0; i < 10_000; i++) limit.take(1);
  });
});

function attempt(limit: UserRequestLimit): boolean {
  try {
    limit.take(7);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(RateLimitedError);
    return false;
  }
}
