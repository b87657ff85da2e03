import { describe, expect, it } from 'vitest';
import { bookWith, shortTrade, T0 } from './factories.ts';

describe('SHORT stop loss', () => {
  it('fills at sl when the tick touches it', () => {
    const { book, events } = bookWith([shortTrade({ id: 1, entryPrice: 200, takeProfit: 180, stopLoss: 210 })]);
    expect(book.tick('BTCUSDT', 210, T0)).toBe(1);
    // q = 0.5; gross = 0.5 × (200 − 210) = −5; fees = 0.5 × 410 × 0.001 = 0.205
    expect(events.closes[0]).toMatchObject({ status: 'CLOSED_SL', exitPrice: 210, fees: 0.205, profitLoss: -5.205 });
  });

  it('fills at the tick when the price gaps above sl (the worse price)', () => {
    const { book, events } = bookWith([shortTrade({ id: 1, entryPrice: 200, takeProfit: 180, stopLoss: 210 })]);
    expect(book.tick('BTCUSDT', 230, T0)).toBe(1);
    // gross = 0.5 × (200 − 230) = −15; fees = 0.5 × 430 × 0.001 = 0.215
    expect(events.closes[0]).toMatchObject({ status: 'CLOSED_SL', exitPrice: 230, fees: 0.215, profitLoss: -15.215 });
    expect(events.closes[0]?.profitLossPercentage).toBe(-15.215);
  });
});
