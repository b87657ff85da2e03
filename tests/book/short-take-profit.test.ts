import { describe, expect, it } from 'vitest';
import { bookWith, shortTrade, T0 } from './factories.ts';

describe('SHORT take profit', () => {
  it('closes at the tp level when the price falls to or below it', () => {
    const { book, events } = bookWith([shortTrade({ id: 1, entryPrice: 200, takeProfit: 180, stopLoss: 210 })]);
    expect(book.tick('BTCUSDT', 181, T0 + 1)).toBe(0);
    expect(book.tick('BTCUSDT', 170, T0 + 2)).toBe(1);
    const [c] = events.closes;
    // q = 0.5; gross = 0.5 × (200 − 180) = 10; fees = 0.5 × 380 × 0.001 = 0.19
    expect(c).toMatchObject({ status: 'CLOSED_TP', exitPrice: 180, fees: 0.19, profitLoss: 9.81, profitLossPercentage: 9.81 });
  });

  it('a rising price does not take profit', () => {
    const { book } = bookWith([shortTrade({ id: 1, entryPrice: 200, takeProfit: 180, stopLoss: 210 })]);
    expect(book.tick('BTCUSDT', 205, T0)).toBe(0);
    expect(book.tick('BTCUSDT', 180.0001, T0 + 1)).toBe(0);
    expect(book.tick('BTCUSDT', 180, T0 + 2)).toBe(1);
  });
});
