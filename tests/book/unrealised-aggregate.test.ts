import { describe, expect, it } from 'vitest';
import { unrealizedPnl } from '../../shared/trade-math.ts';
import type { OpenBook } from '../../server/book/open-book.ts';
import { bookWith, FEE_RATE, makeTrade, T0 } from './factories.ts';

/** Reference: the shared per-trade formula summed over open system trades at each symbol's last price. */
function referenceUpl(book: OpenBook, symbol?: string): number {
  let sum = 0;
  for (const t of book.trades({ userId: null, ...(symbol === undefined ? {} : { symbol }) })) {
    const price = book.lastPrice(t.symbol)?.price ?? t.entryPrice;
    sum += unrealizedPnl(t, price, FEE_RATE).profitLoss;
  }
  return sum;
}

describe('unrealised P/L aggregate', () => {
  it('equals the sum of per-trade shared unrealizedPnl over system trades, user trades excluded', () => {
    const { book } = bookWith();
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
    for (let i = 0; i < 600; i++) {
      const entryPrice = 50 + Math.round(rnd() * 10_000) / 100;
      const direction = rnd() < 0.5 ? 'LONG' : 'SHORT';
      book.add(
        makeTrade({
          id: i + 1,
          symbol: symbols[i % 3],
          direction,
          entryPrice,
          takeProfit: direction === 'LONG' ? entryPrice * 3 : entryPrice / 3,
          stopLoss: direction === 'LONG' ? entryPrice / 3 : entryPrice * 3,
          leverage: 1 + (i % 5),
          userId: i % 4 === 0 ? 42 : null,
        }),
      );
    }
    // Before any tick every trade is valued at its own entry.
    expect(book.unrealizedPnl()).toBeCloseTo(referenceUpl(book), 6);

    for (let k = 0; k < 300; k++) {
      book.tick(symbols[k % 3] as string, 60 + rnd() * 80, T0 + k);
      if (k % 7 === 0) book.close(1 + Math.floor(rnd() * 600), 'CLOSED_MANUAL', T0 + k);
      expect(book.unrealizedPnl()).toBeCloseTo(referenceUpl(book), 6);
    }
    for (const s of symbols) expect(book.unrealizedPnlOf(s)).toBeCloseTo(referenceUpl(book, s), 6);

    // User trades are excluded: their P/L is the caller's to compute on demand.
    const userTrades = book.trades({ userId: 42 });
    expect(userTrades.length).toBeGreaterThan(0);
    expect(userTrades.every((t) => t.userId === 42)).toBe(true);
    const before = book.unrealizedPnl();
    for (const t of userTrades) book.close(t.id, 'CLOSED_MANUAL', T0 + 1_000);
    expect(book.unrealizedPnl()).toBeCloseTo(before, 8);
  });

  it('is zero with no system trades and back to zero once they all close', () => {
    const { book } = bookWith([makeTrade({ id: 1, userId: 3 })]);
    book.tick('BTCUSDT', 101, T0);
    expect(book.unrealizedPnl()).toBe(0);
    book.add(makeTrade({ id: 2, entryPrice: 100 }));
    book.tick('BTCUSDT', 102, T0 + 1);
    // q = 1: 2 − (100 + 102) × 0.001
    expect(book.unrealizedPnl()).toBe(1.798);
    expect(book.unrealizedOf(2)).toMatchObject({ price: 102, profitLoss: 1.798 });
    book.close(2, 'CLOSED_MANUAL', T0 + 2);
    expect(book.unrealizedPnl()).toBe(0);
    expect(book.unrealizedPnlOf('BTCUSDT')).toBe(0);
  });
});
