// The two budgets on their own, with a manual clock: connection attempts per IP (sliding 5-minute
// window, Retry-After blocks) and messages per second (pongs always find a slot).
import { describe, expect, it } from 'vitest';
import { ConnectionBudget, refusalWaitMs } from '../../server/feeds/binance-connection-budget.ts';
import { MessageBudget } from '../../server/feeds/binance-message-budget.ts';
import { ManualTimers } from './manual-timers.ts';

describe('ConnectionBudget', () => {
  it('grants attempts up to the limit per window, then says how long to wait', () => {
    const timers = new ManualTimers();
    const b = new ConnectionBudget(timers, 3, 300_000);
    expect([b.acquire(), b.acquire()]).toEqual([0, 0]);
    timers.advance(1_000);
    expect(b.acquire()).toBe(0);
    expect(b.acquire()).toBe(299_000);
    timers.advance(299_000);
    expect(b.acquire()).toBe(0);
    expect(b.used()).toBe(2);
  });

  it('blocks every attempt until a Retry-After has passed', () => {
    const timers = new ManualTimers();
    const b = new ConnectionBudget(timers, 300);
    b.block(timers.now() + 30_000);
    expect(b.acquire()).toBe(30_000);
    expect(b.retryAfterUntil()).toBe(timers.now() + 30_000);
    timers.advance(30_000);
    expect(b.acquire()).toBe(0);
    expect(b.retryAfterUntil()).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date, with conservative defaults', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(refusalWaitMs(429, '30', now)).toBe(30_000);
    expect(refusalWaitMs(418, new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(refusalWaitMs(429, undefined, now)).toBe(60_000);
    expect(refusalWaitMs(418, 'soon', now)).toBe(120_000);
    expect(refusalWaitMs(403, undefined, now)).toBe(300_000);
    expect(refusalWaitMs(502, undefined, now)).toBe(0);
  });
});

describe('MessageBudget', () => {
  it('leaves one slot per window for a pong after a burst of control messages', () => {
    const m = new MessageBudget(5, 1, 1_050);
    for (let i = 0; i < 4; i++) {
      expect(m.waitMs('control', 0)).toBe(0);
      m.record(0);
    }
    expect(m.waitMs('control', 10)).toBe(1_040);
    expect(m.waitMs('pong', 10)).toBe(0);
    m.record(10);
    expect(m.waitMs('pong', 20)).toBe(1_030);
    expect(m.waitMs('control', 1_050)).toBe(0);
  });
});
