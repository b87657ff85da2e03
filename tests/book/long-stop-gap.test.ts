import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, T0 } from './factories.ts';

describe('LONG stop loss through a gap', () => {
  it('fills at the tick when the price gaps through sl (the gap is paid)', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    expect(book.tick('BTCUSDT', 96, T0 + 1)).toBe(0);
    expect(book.tick('BTCUSDT', 90, T0 + 2)).toBe(1);
    const [c] = events.closes;
    expect(c?.status).toBe('CLOSED_SL');
    expect(c?.exitPrice).toBe(90);
    // q = 1; fees = (100 + 90) × 0.001 = 0.19; P/L = −10 − 0.19
    expect(c?.fees).toBe(0.19);
    expect(c?.profitLoss).toBe(-10.19);
    expect(c?.profitLossPercentage).toBe(-10.19);
  });

  it('fills at sl when the tick lands exactly on it', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    expect(book.tick('BTCUSDT', 95, T0)).toBe(1);
    expect(events.closes[0]).toMatchObject({ status: 'CLOSED_SL', exitPrice: 95, profitLoss: -5.195 });
  });

  it('never fills a stop better than sl', () => {
    const { book, events } = bookWith([longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 })]);
    book.tick('BTCUSDT', 94.99999, T0);
    expect(events.closes[0]?.exitPrice).toBeLessThanOrEqual(95);
    expect(events.closes[0]?.exitPrice).toBe(94.99999);
  });
});
