// The pure half of a Binance connection: which SUBSCRIBE/UNSUBSCRIBE comes next, and how refusals back off.
import { describe, expect, it } from 'vitest';
import { nextSubscriptionStep, recordRefusals, type Refusal } from '../../server/feeds/binance-subscription-plan.ts';

const state = (desired: string[], sent: string[], refused = new Map<string, Refusal>(), now = 1_000, maxParamsPerMessage = 2) => ({
  desired: new Set(desired),
  sent: new Set(sent),
  refused,
  now,
  maxParamsPerMessage,
});

describe('binance subscription plan', () => {
  it('unsubscribes dropped streams before subscribing new ones, a message at a time', () => {
    expect(nextSubscriptionStep(state(['a@trade', 'b@trade'], ['x@trade']))).toEqual({ kind: 'send', method: 'UNSUBSCRIBE', params: ['x@trade'] });
    expect(nextSubscriptionStep(state(['a@trade', 'b@trade', 'c@trade'], []))).toEqual({ kind: 'send', method: 'SUBSCRIBE', params: ['a@trade', 'b@trade'] });
  });

  it('is idle when the socket has what is wanted, and waits for a refused stream until its retry', () => {
    expect(nextSubscriptionStep(state(['a@trade'], ['a@trade']))).toEqual({ kind: 'idle', retryAt: Infinity });
    const refused = new Map([['b@trade', { count: 1, retryAt: 1_500 }]]);
    expect(nextSubscriptionStep(state(['a@trade', 'b@trade'], ['a@trade'], refused))).toEqual({ kind: 'idle', retryAt: 1_500 });
    expect(nextSubscriptionStep(state(['a@trade', 'b@trade'], ['a@trade'], refused, 1_500))).toEqual({
      kind: 'send',
      method: 'SUBSCRIBE',
      params: ['b@trade'],
    });
  });

  it('doubles the retry per refusal in a row, capped', () => {
    const refused = new Map<string, Refusal>();
    recordRefusals(refused, ['a@trade'], 0, 100, 350);
    expect(refused.get('a@trade')).toEqual({ count: 1, retryAt: 100 });
    recordRefusals(refused, ['a@trade'], 0, 100, 350);
    expect(refused.get('a@trade')).toEqual({ count: 2, retryAt: 200 });
    recordRefusals(refused, ['a@trade'], 0, 100, 350);
    expect(refused.get('a@trade')).toEqual({ count: 3, retryAt: 350 });
  });
});
