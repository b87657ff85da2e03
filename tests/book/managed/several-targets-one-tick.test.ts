import { describe, expect, it } from 'vitest';
import { legMoney } from '../../../shared/leg-math.ts';
import { bookWith, FEE, kinds, managed } from './managed-factory.ts';

describe('several targets in one tick', () => {
  it('fills every crossed target in order, each at its level and share', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120, 130], shares: [0.5, 0.3, 0.2] }));
    const fills = tick(125);
    expect(kinds(fills)).toEqual(['TP1@110×0.5', 'TP2@120×0.3']);
    expect(fills[0]).toMatchObject(legMoney({ direction: 'LONG', entryPrice: 100 }, 0.5, 110, FEE));
    expect(fills.map((f) => f.final)).toEqual([false, false]);
    expect(book.state(1)).toMatchObject({ filled: 2, remainingQuantity: 0.2 });
    expect(kinds(tick(130))).toEqual(['TP3@130×0.2']);
    expect(book.has(1)).toBe(false);
  });

  it('a SHORT fills its descending targets in order', () => {
    const { tick } = bookWith(managed({ direction: 'SHORT', targets: [95, 90, 85] }));
    expect(kinds(tick(84))).toEqual(['TP1@95×0.33333333', 'TP2@90×0.33333333', 'TP3@85×0.33333334']);
  });
});
