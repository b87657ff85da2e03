import { describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import { bookWith, FEE_RATE, longTrade, shortTrade, T0 } from './factories.ts';

describe('queries and listener', () => {
  it('get/trades rebuild the trades as added; filters by user and symbol', () => {
    const a = longTrade({ id: 3, symbol: 'BTCUSDT', signalId: 30, openedAt: T0 + 5 });
    const b = shortTrade({ id: 1, symbol: 'ETHUSDT', userId: 7 });
    const c = longTrade({ id: 2, symbol: 'BTCUSDT', userId: 8 });
    const { book, events } = bookWith([a, b, c]);
    expect(book.get(3)).toEqual(a);
    expect(book.get(4)).toBeUndefined();
    expect(book.trades().map((t) => t.id)).toEqual([1, 2, 3]);
    expect(book.trades({ userId: null }).map((t) => t.id)).toEqual([3]);
    expect(book.trades({ userId: 7 })).toEqual([b]);
    expect(book.trades({ symbol: 'BTCUSDT' }).map((t) => t.id)).toEqual([2, 3]);
    expect(book.trades({ symbol: 'BTCUSDT', userId: 8 }).map((t) => t.id)).toEqual([2]);
    expect(book.sizeOf('BTCUSDT')).toBe(2);
    expect(events.openedTrades.map((t) => t.id)).toEqual([3, 1, 2]);
  });

  it('a throwing listener neither corrupts the book nor hides other closes', () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const book = new OpenBook({
      feeRate: FEE_RATE,
      listener: {
        closed: (c) => {
          seen.push(c.trade.id);
          throw new Error('consumer down');
        },
      },
      onListenerError: (e) => errors.push(e),
    });
    book.add(longTrade({ id: 1, takeProfit: 110 }));
    book.add(longTrade({ id: 2, takeProfit: 111 }));
    expect(book.tick('BTCUSDT', 120, T0)).toBe(2);
    expect(seen.sort()).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
    expect(book.size).toBe(0);
  });

  it('rejects trades with non-finite or non-positive terms', () => {
    const { book } = bookWith();
    expect(() => book.add(longTrade({ id: 1, takeProfit: Number.NaN }))).toThrow(RangeError);
    expect(() => book.add(longTrade({ id: 2, quantity: 0 }))).toThrow(RangeError);
    expect(book.size).toBe(0);
  });
});
