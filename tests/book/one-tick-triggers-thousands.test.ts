import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, shortTrade, T0 } from './factories.ts';

describe('one tick closing thousands of trades', () => {
  it('closes 5,000 trades in one tick, each exactly once, and leaves the others', () => {
    const trades = [];
    for (let i = 0; i < 5_000; i++) {
      // Half LONGs whose TP is crossed, half SHORTs whose SL is crossed, at staggered levels.
      const tp = 101 + (i % 97) * 0.01;
      trades.push(i % 2 === 0 ? longTrade({ id: i + 1, takeProfit: tp, stopLoss: 90 }) : shortTrade({ id: i + 1, takeProfit: 90, stopLoss: tp }));
    }
    for (let i = 0; i < 1_000; i++) trades.push(longTrade({ id: 10_001 + i, takeProfit: 120, stopLoss: 80 }));
    const { book, events } = bookWith(trades);

    expect(book.tick('BTCUSDT', 105, T0)).toBe(5_000);

    const ids = events.closes.map((c) => c.trade.id);
    expect(new Set(ids).size).toBe(5_000);
    expect(Math.max(...ids)).toBe(5_000);
    expect(book.size).toBe(1_000);
    for (const c of events.closes) {
      expect(c.status).toBe(c.trade.direction === 'LONG' ? 'CLOSED_TP' : 'CLOSED_SL');
      expect(c.exitPrice).toBe(c.trade.direction === 'LONG' ? c.trade.takeProfit : 105);
    }
    // Their other legs are dead: a crash through every SL closes only the 1,000 survivors.
    expect(book.tick('BTCUSDT', 1, T0 + 1)).toBe(1_000);
    expect(events.closes).toHaveLength(6_000);
    expect(book.size).toBe(0);
  });
});
