import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, T0 } from './factories.ts';

describe('out-of-order ticks', () => {
  it('ignores a tick older than the last one of its symbol (returns -1, no close, no price event)', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    expect(book.tick('BTCUSDT', 100, T0 + 10)).toBe(0);
    expect(book.tick('BTCUSDT', 200, T0 + 9)).toBe(-1);
    expect(book.has(1)).toBe(true);
    expect(book.lastPrice('BTCUSDT')).toEqual({ price: 100, ts: T0 + 10 });
    expect(events.ticks).toEqual([['BTCUSDT', 100, T0 + 10]]);
  });

  it('accepts a tick with the same ts, and tracks each symbol separately', () => {
    const { book } = bookWith([longTrade({ id: 1, symbol: 'ETHUSDT', entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    book.tick('BTCUSDT', 50_000, T0 + 100);
    expect(book.tick('ETHUSDT', 100, T0 + 1)).toBe(0);
    expect(book.tick('ETHUSDT', 111, T0 + 1)).toBe(1);
    expect([...book.prices()].sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      ['BTCUSDT', 50_000, T0 + 100],
      ['ETHUSDT', 111, T0 + 1],
    ]);
  });

  it('ignores non-positive or non-finite prices', () => {
    const { book } = bookWith([longTrade({ id: 1 })]);
    expect(book.tick('BTCUSDT', Number.NaN, T0)).toBe(-1);
    expect(book.tick('BTCUSDT', 0, T0)).toBe(-1);
    expect(book.tick('BTCUSDT', Infinity, T0)).toBe(-1);
    expect(book.lastPrice('BTCUSDT')).toBeUndefined();
  });
});
