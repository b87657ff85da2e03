import { describe, expect, it } from 'vitest';
import { bookWith, FEE_RATE, longTrade, T0 } from './factories.ts';

describe('LONG take profit', () => {
  it('closes at the tp level when the price reaches it, with fees and P/L per SPEC §2', () => {
    const trade = longTrade({ id: 1, entryPrice: 100, takeProfit: 110, stopLoss: 95 });
    const { book, events } = bookWith([trade]);

    expect(book.tick('BTCUSDT', 109.99, T0 + 1)).toBe(0);
    expect(book.has(1)).toBe(true);
    // Overshoot: TP still fills at the level, not at the tick.
    expect(book.tick('BTCUSDT', 112, T0 + 2)).toBe(1);

    expect(book.has(1)).toBe(false);
    expect(book.size).toBe(0);
    const [c] = events.closes;
    expect(c).toMatchObject({ status: 'CLOSED_TP', exitPrice: 110, exitTime: T0 + 2, priceGap: false });
    // q = 1; fees = 1 × (100 + 110) × 0.001 = 0.21; P/L = 10 − 0.21
    expect(trade.quantity).toBe(1);
    expect(c?.fees).toBe(0.21);
    expect(c?.profitLoss).toBe(9.79);
    expect(c?.profitLossPercentage).toBe(9.79);
    expect(FEE_RATE).toBe(0.001);
    expect(events.log).toEqual(['opened:1', 'price:BTCUSDT', 'closed:1', 'price:BTCUSDT']);
  });

  it('triggers on a tick exactly at tp', () => {
    const { book, events } = bookWith([longTrade({ id: 7, entryPrice: 50, takeProfit: 55, stopLoss: 45 })]);
    expect(book.tick('BTCUSDT', 55, T0)).toBe(1);
    expect(events.closes[0]?.status).toBe('CLOSED_TP');
  });

  it('only ticks of its own symbol touch it', () => {
    const { book } = bookWith([longTrade({ id: 1, symbol: 'ETHUSDT', takeProfit: 110 })]);
    expect(book.tick('BTCUSDT', 1000, T0)).toBe(0);
    expect(book.sizeOf('ETHUSDT')).toBe(1);
  });
});
