import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, shortTrade, T0 } from './factories.ts';

describe('a trade is closed exactly once', () => {
  it('a trade closed by TP is never closed by SL later, nor manually', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    expect(book.tick('BTCUSDT', 111, T0)).toBe(1);
    expect(book.tick('BTCUSDT', 50, T0 + 1)).toBe(0);
    expect(book.close(1, 'CLOSED_MANUAL', T0 + 2)).toBeNull();
    expect(book.close(1, 'CLOSED_EXPIRED', T0 + 3, 80)).toBeNull();
    expect(events.closes.map((c) => c.status)).toEqual(['CLOSED_TP']);
  });

  it('a manual close kills both legs', () => {
    const { book, events } = bookWith([shortTrade({ id: 1, entryPrice: 100, takeProfit: 90, stopLoss: 105 })]);
    book.tick('BTCUSDT', 101, T0);
    const c = book.close(1, 'CLOSED_MANUAL', T0 + 1);
    expect(c).toMatchObject({ status: 'CLOSED_MANUAL', exitPrice: 101, exitTime: T0 + 1 });
    expect(book.tick('BTCUSDT', 80, T0 + 2)).toBe(0);
    expect(book.tick('BTCUSDT', 200, T0 + 3)).toBe(0);
    expect(book.close(1, 'CLOSED_EXPIRED', T0 + 4)).toBeNull();
    expect(events.closes).toHaveLength(1);
  });

  it('when one tick crosses both levels (inverted levels), SL wins as in crossedLevel', () => {
    // Not a valid signal, but the book must still close it once.
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 99, stopLoss: 101 })]);
    expect(book.tick('BTCUSDT', 100, T0)).toBe(1);
    expect(events.closes).toHaveLength(1);
    expect(events.closes[0]?.status).toBe('CLOSED_SL');
  });

  it('a reused id after a close is a new trade; dead legs of the old one do not touch it', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    book.tick('BTCUSDT', 110, T0);
    expect(book.add(longTrade({ id: 1, entryPrice: 100, takeProfit: 130, stopLoss: 70 }))).toBe(true);
    expect(book.tick('BTCUSDT', 94, T0 + 1)).toBe(0);
    expect(book.has(1)).toBe(true);
    expect(events.closes).toHaveLength(1);
  });

  it('add refuses an id already open', () => {
    const { book } = bookWith([longTrade({ id: 5 })]);
    expect(book.add(longTrade({ id: 5 }))).toBe(false);
    expect(book.size).toBe(1);
  });

  it('manual close falls back to the entry price before any tick', () => {
    const { book } = bookWith([longTrade({ id: 9, entryPrice: 100 })]);
    expect(book.close(9, 'CLOSED_EXPIRED', T0)).toMatchObject({ exitPrice: 100, profitLoss: -0.2, status: 'CLOSED_EXPIRED' });
  });
});
