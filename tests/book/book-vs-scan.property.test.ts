import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../shared/constants.ts';
import { profitLossAt, unrealizedPnl } from '../../shared/trade-math.ts';
import type { BookClose, BookTrade, ManualCloseStatus } from '../../server/book/types.ts';
import { bookWith, FEE_RATE, makeTrade } from './factories.ts';

/**
 * Naive reference straight from SPEC §2: on every tick, scan all open trades of the symbol.
 * Shares only the money formula (profitLossAt) with the book, not the crossing or fill logic.
 */
class ScanBook {
  readonly open = new Map<number, BookTrade & { gap: boolean }>();
  readonly last = new Map<string, { price: number; ts: number }>();

  add(t: BookTrade): boolean {
    if (this.open.has(t.id)) return false;
    this.open.set(t.id, { ...t, gap: false });
    return true;
  }

  tick(symbol: string, price: number, ts: number): BookClose[] | null {
    const last = this.last.get(symbol);
    if (last !== undefined && ts < last.ts) return null;
    this.last.set(symbol, { price, ts });
    const closes: BookClose[] = [];
    for (const t of [...this.open.values()]) {
      if (t.symbol !== symbol) continue;
      const long = t.direction === 'LONG';
      const sl = long ? price <= t.stopLoss : price >= t.stopLoss;
      const tp = long ? price >= t.takeProfit : price <= t.takeProfit;
      if (sl) closes.push(this.settle(t, 'CLOSED_SL', long ? Math.min(t.stopLoss, price) : Math.max(t.stopLoss, price), ts));
      else if (tp) closes.push(this.settle(t, 'CLOSED_TP', t.takeProfit, ts));
    }
    return closes;
  }

  close(id: number, status: ManualCloseStatus, ts: number, price?: number): BookClose | null {
    const t = this.open.get(id);
    if (t === undefined) return null;
    return this.settle(t, status, price ?? this.last.get(t.symbol)?.price ?? t.entryPrice, ts);
  }

  markGap(symbol: string): void {
    for (const t of this.open.values()) if (t.symbol === symbol) t.gap = true;
  }

  unrealized(): number {
    let sum = 0;
    for (const t of this.open.values()) {
      if (t.userId === null) sum += unrealizedPnl(t, this.last.get(t.symbol)?.price ?? t.entryPrice, FEE_RATE).profitLoss;
    }
    return sum;
  }

  private settle(t: BookTrade & { gap: boolean }, status: BookClose['status'], exitPrice: number, ts: number): BookClose {
    this.open.delete(t.id);
    const { gap, ...trade } = t;
    return { trade, status, exitPrice, exitTime: ts, ...profitLossAt(trade, exitPrice, FEE_RATE), priceGap: gap };
  }
}

const SYMBOLS = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'] as const;
// Prices on a coarse grid so ticks land exactly on levels often.
const gridPrice = fc.integer({ min: 80, max: 120 }).map((v) => v / 2 + 40);

const addOp = (maxId: number) =>
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.integer({ min: 1, max: maxId }),
    symbol: fc.constantFrom(...SYMBOLS),
    direction: fc.constantFrom<Direction>('LONG', 'SHORT'),
    entry: gridPrice,
    tpOffset: fc.integer({ min: 1, max: 20 }),
    slOffset: fc.integer({ min: 1, max: 20 }),
    user: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    leverage: fc.integer({ min: 1, max: 10 }),
  });
const tickOp = fc.record({
  kind: fc.constant('tick' as const),
  symbol: fc.constantFrom(...SYMBOLS),
  price: gridPrice,
  // Mostly forward in time, sometimes backwards (must be ignored) or equal.
  dt: fc.integer({ min: -3, max: 5 }),
});
const closeOp = (maxId: number) =>
  fc.record({
    kind: fc.constant('close' as const),
    id: fc.integer({ min: 1, max: maxId }),
    status: fc.constantFrom<ManualCloseStatus>('CLOSED_MANUAL', 'CLOSED_EXPIRED'),
    price: fc.option(gridPrice, { nil: undefined }),
  });
const gapOp = fc.record({ kind: fc.constant('gap' as const), symbol: fc.constantFrom(...SYMBOLS) });

const ops = (maxId: number, minLength: number, maxLength: number) =>
  fc.array(
    fc.oneof(
      { arbitrary: addOp(maxId), weight: 4 },
      { arbitrary: tickOp, weight: 6 },
      { arbitrary: closeOp(maxId), weight: 1 },
      { arbitrary: gapOp, weight: 1 },
    ),
    {
      minLength,
      maxLength,
      size: 'max',
    },
  );

const byId = (a: BookClose, b: BookClose): number => a.trade.id - b.trade.id;

describe('OpenBook vs a naive all-trades scan', () => {
  it('closes exactly the same trades, at the same prices, statuses and P/L, in the same tick', () => {
    fc.assert(fc.property(ops(25, 1, 80), agree), { numRuns: 1_000 });
  });

  it('agrees under heavy churn (hundreds of trades: heap compaction and slot reuse)', () => {
    fc.assert(fc.property(ops(300, 800, 1_500), agree), { numRuns: 60 });
  });
});

type Steps = ReturnType<typeof ops> extends fc.Arbitrary<infer T> ? T : never;

function agree(steps: Steps): void {
  const { book, events } = bookWith();
  const ref = new ScanBook();
  let ts = 1_000;
  for (const op of steps) {
    const before = events.closes.length;
    if (op.kind === 'add') {
      const long = op.direction === 'LONG';
      const trade = makeTrade({
        id: op.id,
        symbol: op.symbol,
        direction: op.direction,
        entryPrice: op.entry,
        takeProfit: long ? op.entry + op.tpOffset / 2 : op.entry - op.tpOffset / 2,
        stopLoss: long ? op.entry - op.slOffset / 2 : op.entry + op.slOffset / 2,
        userId: op.user,
        leverage: op.leverage,
      });
      expect(book.add(trade)).toBe(ref.add(trade));
    } else if (op.kind === 'tick') {
      ts += op.dt;
      const expected = ref.tick(op.symbol, op.price, ts);
      const n = book.tick(op.symbol, op.price, ts);
      expect(n).toBe(expected === null ? -1 : expected.length);
      expect(events.closes.slice(before).sort(byId)).toEqual((expected ?? []).sort(byId));
    } else if (op.kind === 'close') {
      const expected = ref.close(op.id, op.status, ts, op.price);
      expect(book.close(op.id, op.status, ts, op.price)).toEqual(expected);
      expect(events.closes.slice(before)).toEqual(expected === null ? [] : [expected]);
    } else {
      book.markGap(op.symbol);
      ref.markGap(op.symbol);
    }
    expect(book.size).toBe(ref.open.size);
    expect(Math.abs(book.unrealizedPnl() - ref.unrealized())).toBeLessThan(1e-6);
  }
  const refOpen = [...ref.open.values()].map(({ gap: _gap, ...t }) => t).sort((a, b) => a.id - b.id);
  expect(book.trades()).toEqual(refOpen);
  for (const s of SYMBOLS) expect(book.sizeOf(s)).toBe(refOpen.filter((t) => t.symbol === s).length);
}
