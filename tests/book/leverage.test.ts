import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, shortTrade, T0 } from './factories.ts';

describe('leverage', () => {
  it('multiplies quantity and P/L by the leverage; the percentage is on the margin', () => {
    const long = longTrade({ id: 1, entryPrice: 100, takeProfit: 105, stopLoss: 98, leverage: 10 });
    expect(long.quantity).toBe(10);
    const { book, events } = bookWith([long]);
    expect(book.tick('BTCUSDT', 105, T0)).toBe(1);
    // gross = 10 × 5 = 50; fees = 10 × 205 × 0.001 = 2.05; P/L = 47.95 on 100 USDT margin
    expect(events.closes[0]).toMatchObject({ exitPrice: 105, fees: 2.05, profitLoss: 47.95, profitLossPercentage: 47.95 });
  });

  it('a leveraged short stop loses ten times as much', () => {
    const short = shortTrade({ id: 2, entryPrice: 50, takeProfit: 45, stopLoss: 52, leverage: 10 });
    expect(short.quantity).toBe(20);
    const { book, events } = bookWith([short]);
    book.tick('BTCUSDT', 53, T0);
    // exit at the gap tick 53: gross = 20 × (50 − 53) = −60; fees = 20 × 103 × 0.001 = 2.06
    expect(events.closes[0]).toMatchObject({ status: 'CLOSED_SL', exitPrice: 53, fees: 2.06, profitLoss: -62.06, profitLossPercentage: -62.06 });
  });
});
