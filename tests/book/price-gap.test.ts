import { describe, expect, it } from 'vitest';
import { bookWith, longTrade, T0 } from './factories.ts';

describe('price-gap flag (restart, staleness)', () => {
  it('markGap flags the open trades of that symbol only, and the flag travels in the close', () => {
    const { book, events } = bookWith([
      longTrade({ id: 1, symbol: 'BTCUSDT', takeProfit: 110, stopLoss: 90 }),
      longTrade({ id: 2, symbol: 'ETHUSDT', takeProfit: 110, stopLoss: 90 }),
    ]);
    book.markGap('BTCUSDT');
    book.add(longTrade({ id: 3, symbol: 'BTCUSDT', takeProfit: 110, stopLoss: 90 }));
    book.tick('BTCUSDT', 120, T0);
    book.tick('ETHUSDT', 120, T0);
    const gap = Object.fromEntries(events.closes.map((c) => [c.trade.id, c.priceGap]));
    expect(gap).toEqual({ 1: true, 2: false, 3: false });
  });
});
