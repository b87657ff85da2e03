import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('breakeven stop', () => {
  it('moves the stop to entry after TP1, from the next tick on', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120], slMode: 'breakeven' }));
    expect(book.state(1)?.stopLoss).toBe(90);
    expect(kinds(tick(111))).toEqual(['TP1@110×0.5']);
    expect(book.state(1)?.stopLoss).toBe(100);
    const fills = tick(99.5);
    expect(kinds(fills)).toEqual(['SL@99.5×0.5']);
    expect(fills[0]?.final).toBe(true);
  });

  it('a fixed stop stays where it was after TP1', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120] }));
    tick(111);
    expect(book.state(1)?.stopLoss).toBe(90);
    expect(tick(99.5)).toEqual([]);
  });

  it('SHORT: the stop moves down to entry', () => {
    const { book, tick } = bookWith(managed({ direction: 'SHORT', targets: [90, 80], slMode: 'breakeven' }));
    tick(89);
    expect(book.state(1)?.stopLoss).toBe(100);
    expect(kinds(tick(100.5))).toEqual(['SL@100.5×0.5']);
  });
});
