// The pure builder: bucketing by the tick's own stamp, minute rollover, out-of-order ticks, the
// clock closing a silent key's minute, shutdown taking open minutes, bounded requeue.
import { describe, expect, it } from 'vitest';
import { CandleBuilder } from '../../server/candles/candle-builder.ts';
import { candleJson } from '../../server/candles/candle.ts';
import { tickKeySlots } from '../../shared/price-key.ts';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const s = (sec: number) => T0 + sec * 1000;

describe('CandleBuilder', () => {
  it('buckets ticks by their own ts floored to the minute, OHLC and tick count', () => {
    const b = new CandleBuilder();
    b.tick('BTCUSDT', 100, s(1), s(1));
    b.tick('BTCUSDT', 105, s(20), s(20));
    b.tick('BTCUSDT', 95, s(40), s(40));
    b.tick('BTCUSDT', 101, s(59.999), s(59.999));
    expect(b.takeClosed(s(61))).toEqual([]); // within the grace
    const [c, ...rest] = b.takeClosed(s(62));
    expect(rest).toEqual([]);
    expect(candleJson(c!)).toEqual({ start: T0, open: 100, high: 105, low: 95, close: 101, ticks: 4 });
    expect(c!.key).toBe('BTCUSDT');
  });

  it('rolls over to a new minute and keeps keys apart', () => {
    const b = new CandleBuilder();
    b.tick('BTCUSDT', 100, s(10), s(10));
    b.tick('BTCUSDT.P', 200, s(11), s(11));
    b.tick('BTCUSDT', 110, s(60), s(60));
    const closed = b.takeClosed(s(60.5));
    expect(closed.map((c) => [c.key, c.start, c.close])).toEqual([['BTCUSDT', T0, 100]]);
    const later = b.takeClosed(s(125));
    expect(later.map((c) => [c.key, c.start, c.open]).sort()).toEqual([
      ['BTCUSDT', T0 + 60_000, 110],
      ['BTCUSDT.P', T0, 200],
    ]);
  });

  it('folds a late tick into its earlier minute while that minute is in memory', () => {
    const b = new CandleBuilder();
    b.tick('ETHUSDT', 10, s(5), s(5));
    b.tick('ETHUSDT', 12, s(65), s(65));
    // Arrives after the next minute started, stamped in the first: folded there, not into the second.
    b.tick('ETHUSDT', 8, s(50), s(66));
    // Stamped before the first tick of its minute: it becomes the open.
    b.tick('ETHUSDT', 9, s(2), s(66));
    const [first] = b.takeClosed(s(67));
    expect(candleJson(first!)).toEqual({ start: T0, open: 9, high: 10, low: 8, close: 8, ticks: 3 });
  });

  it('drops (and counts) a late tick whose minute a flush already took', () => {
    const b = new CandleBuilder();
    b.tick('ETHUSDT', 10, s(5), s(5));
    b.tick('ETHUSDT', 11, s(65), s(65));
    expect(b.takeClosed(s(66))).toHaveLength(1);
    b.tick('ETHUSDT', 99, s(30), s(67));
    expect(b.lateDropped).toBe(1);
    // Also after the clock took a silent key's minute.
    expect(b.takeClosed(s(125))).toHaveLength(1);
    b.tick('ETHUSDT', 99, s(100), s(126));
    expect(b.lateDropped).toBe(2);
    b.tick('ETHUSDT', 12, s(130), s(130));
    expect(b.inMemory('ETHUSDT').map((c) => c.close)).toEqual([12]);
  });

  it('drops a tick stamped far in the future instead of opening that minute', () => {
    const b = new CandleBuilder({ maxAheadMs: 60_000 });
    b.tick('XRPUSDT', 1, s(0) + 3_600_000, s(0));
    expect(b.aheadDropped).toBe(1);
    expect(b.takeAll()).toEqual([]);
  });

  it('ignores non-finite prices', () => {
    const b = new CandleBuilder();
    b.tick('XRPUSDT', Number.NaN, s(0), s(0));
    expect(b.takeAll()).toEqual([]);
  });

  it('shutdown takes open minutes too; requeued candles come back first, bounded', () => {
    const b = new CandleBuilder({ maxPending: 2 });
    b.tick('A', 1, s(1), s(1));
    b.tick('B', 2, s(1), s(1));
    const all = b.takeAll();
    expect(all).toHaveLength(2);
    b.requeue(all);
    b.requeue([{ ...all[0]!, start: T0 - 60_000 }]);
    expect(b.overflowDropped).toBe(1);
    expect(b.takeClosed(s(2))).toEqual([]);
    expect(b.takeRequeued().map((c) => c.key)).toEqual(['A', 'B']);
    expect(b.takeRequeued()).toEqual([]);
  });
});

describe('CandleBuilder with fanout slots', () => {
  it('slots (shared/price-key.ts) name one key each, even after the key cache starts afresh', () => {
    const a = tickKeySlots('SLOTAUSDT', undefined);
    expect(tickKeySlots('SLOTAUSDT', 'FUTURES').slots).toEqual([a.slots[1]]);
    expect(new Set(a.slots).size).toBe(2);
    // 10,000 other symbols fill the cache; SLOTAUSDT cached afresh gets new slots.
    for (let i = 0; i < 10_001; i++) tickKeySlots(`F${i}USDT`, 'SPOT');
    const again = tickKeySlots('SLOTAUSDT', undefined);
    expect(again.keys).toEqual(['SLOTAUSDT', 'SLOTAUSDT.P']);
    expect(again.slots.some((s) => a.slots.includes(s))).toBe(false);
  });

  it('builds the same candles with and without slots, and across new slots for a key', () => {
    const withSlots = new CandleBuilder();
    const without = new CandleBuilder();
    const ticks: [string, number, number, number][] = [
      ['AAAUSDT', 10, s(1), 0],
      ['BBBUSDT', 50, s(2), 1],
      ['AAAUSDT', 12, s(3), 0],
      ['AAAUSDT', 9, s(2.5), 0], // late within the minute: not hot, still folded
      ['AAAUSDT', 11, s(61), 7], // a new slot for the same key
      ['BBBUSDT', 49, s(62), 1],
    ];
    for (const [k, p, ts, slot] of ticks) {
      withSlots.tick(k, p, ts, ts, slot);
      without.tick(k, p, ts, ts);
    }
    const a = withSlots.takeAll().map(candleJson);
    const b = without.takeAll().map(candleJson);
    expect(a).toEqual(b);
    expect(a).toContainEqual({ start: T0, open: 10, high: 12, low: 9, close: 12, ticks: 3 });
  });

  it('a slot of a minute the clock took does not reach the taken candle', () => {
    const b = new CandleBuilder();
    b.tick('AAAUSDT', 10, s(1), s(1), 3);
    const [taken] = b.takeClosed(s(63));
    b.tick('AAAUSDT', 20, s(70), s(70), 3);
    expect(taken!.close).toBe(10);
    expect(b.inMemory('AAAUSDT').map((c) => c.open)).toEqual([20]);
  });
});

describe('CandleBuilder hot path (by slot) against the slow path (by key)', () => {
  it('gives the same candles and counters for in-order, late, bad, ahead and rolling ticks, and new slots', () => {
    // A seeded walk over 3 keys and ~6 minutes: mostly in order (the hot path), some late within
    // or before the minute, some NaN/±Infinity/0/negative prices, some stamped far ahead, a key
    // given a new slot midway; the slow path alone (no slot) must agree at every flush.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['HOTAUSDT', 'HOTBUSDT', 'HOTBUSDT.P'];
    const slotOf = [100, 101, 102];
    const hot = new CandleBuilder();
    const slow = new CandleBuilder();
    let now = T0;
    const bad = [Number.NaN, Infinity, -Infinity, 0, -5];
    for (let i = 0; i < 4_000; i++) {
      now += 90;
      const k = Math.floor(rnd() * keys.length);
      if (i === 2_000) slotOf[0] = 200; // the key cache started afresh: a new slot for HOTAUSDT
      const r = rnd();
      const ts = r < 0.05 ? now - 70_000 * rnd() : r < 0.07 ? now + 3_600_000 : now - 500 * rnd();
      const price = rnd() < 0.01 ? (bad[Math.floor(rnd() * bad.length)] as number) : 100 + 10 * rnd();
      hot.tick(keys[k]!, price, ts, now, slotOf[k]!);
      slow.tick(keys[k]!, price, ts, now);
      if (i % 500 === 499) {
        expect(hot.takeClosed(now)).toEqual(slow.takeClosed(now));
        for (const key of keys) expect(hot.inMemory(key)).toEqual(slow.inMemory(key));
      }
    }
    expect(hot.takeAll()).toEqual(slow.takeAll());
    expect([hot.lateDropped, hot.aheadDropped]).toEqual([slow.lateDropped, slow.aheadDropped]);
    expect(hot.lateDropped).toBeGreaterThan(0);
    expect(hot.aheadDropped).toBeGreaterThan(0);
  });

  it('rolls to the next minute on the first tick at or past its end, by slot', () => {
    const b = new CandleBuilder();
    b.tick('ROLLUSDT', 1, T0 + 59_999, T0 + 59_999, 300);
    b.tick('ROLLUSDT', 2, T0 + 60_000, T0 + 60_000, 300);
    b.tick('ROLLUSDT', 3, T0 + 60_001, T0 + 60_001, 300);
    expect(b.inMemory('ROLLUSDT').map(candleJson)).toEqual([
      { start: T0, open: 1, high: 1, low: 1, close: 1, ticks: 1 },
      { start: T0 + 60_000, open: 2, high: 3, low: 2, close: 3, ticks: 2 },
    ]);
  });

  it('a late tick by slot within the open minute updates high/low and count but not the close', () => {
    const b = new CandleBuilder();
    b.tick('LATEUSDT', 10, s(10), s(10), 301);
    b.tick('LATEUSDT', 11, s(20), s(20), 301);
    b.tick('LATEUSDT', 30, s(15), s(21), 301);
    b.tick('LATEUSDT', 1, s(5), s(21), 301);
    expect(b.inMemory('LATEUSDT').map(candleJson)).toEqual([{ start: T0, open: 1, high: 30, low: 1, close: 11, ticks: 4 }]);
  });
});
