// Start-up hydration's bulk insert (addUnique: no duplicate probe) builds the same book as add():
// same trades, same closes in the same order at the same prices, same unrealised P/L.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import { FEE_RATE, makeTrade, Recorder } from './factories.ts';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

const tradeArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  direction: fc.constantFrom('LONG' as const, 'SHORT' as const),
  entryPrice: fc.integer({ min: 50, max: 150 }),
  // Few distinct levels, so many legs tie and the order among equal keys is exercised.
  tpOffset: fc.integer({ min: 1, max: 5 }),
  slOffset: fc.integer({ min: 1, max: 5 }),
  user: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
});

function build(kind: 'add' | 'addUnique', trades: ReturnType<typeof makeTrade>[]): { book: OpenBook; events: Recorder } {
  const events = new Recorder();
  const book = new OpenBook({ feeRate: FEE_RATE, listener: events });
  book.reserve(trades.length);
  for (const t of trades) {
    if (kind === 'add') book.add(t);
    else book.addUnique(t);
  }
  return { book, events };
}

describe('OpenBook.addUnique (bulk hydration)', () => {
  it('gives the same book as add(), tick for tick', () => {
    fc.assert(
      fc.property(
        fc.array(tradeArb, { maxLength: 120 }),
        fc.array(fc.tuple(fc.constantFrom(...SYMBOLS), fc.integer({ min: 40, max: 160 })), { maxLength: 40 }),
        (specs, ticks) => {
          const trades = specs.map((s, i) => {
            const long = s.direction === 'LONG';
            return makeTrade({
              id: i + 1,
              symbol: s.symbol,
              direction: s.direction,
              entryPrice: s.entryPrice,
              takeProfit: s.entryPrice + (long ? 10 * s.tpOffset : -5 * s.tpOffset),
              stopLoss: s.entryPrice + (long ? -5 * s.slOffset : 10 * s.slOffset),
              userId: s.user,
            });
          });
          const a = build('add', trades);
          const b = build('addUnique', trades);
          expect(b.book.trades()).toStrictEqual(a.book.trades());
          expect(b.events.openedTrades).toStrictEqual(a.events.openedTrades);
          expect(b.book.unrealizedPnl()).toBe(a.book.unrealizedPnl());
          ticks.forEach(([symbol, price], i) => {
            expect(b.book.tick(symbol, price, i + 1)).toBe(a.book.tick(symbol, price, i + 1));
            expect(b.book.unrealizedPnl()).toBe(a.book.unrealizedPnl());
          });
          expect(b.events.closes).toStrictEqual(a.events.closes);
          expect(b.book.size).toBe(a.book.size);
          for (const t of trades) expect(b.book.get(t.id)).toStrictEqual(a.book.get(t.id));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('checks terms like add()', () => {
    const book = new OpenBook({ feeRate: FEE_RATE });
    expect(() => book.addUnique(makeTrade({ id: 1, takeProfit: Number.NaN }))).toThrow(RangeError);
    expect(() => book.addUnique(makeTrade({ id: 2, quantity: 0 }))).toThrow(RangeError);
    expect(book.size).toBe(0);
  });
});
