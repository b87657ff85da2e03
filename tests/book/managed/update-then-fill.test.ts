import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('update, then fill', () => {
  it('"move SL to entry" after TP1: the new stop fills', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120] }));
    tick(112);
    expect(book.update(1, { stopLoss: 100 })).toBe(true);
    expect(kinds(tick(99))).toEqual(['SL@99×0.5']);
  });

  it('new targets replace the unfilled ones and split what is left', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120] }));
    tick(111);
    book.update(1, { targets: [115, 125, 135], shares: [0.2, 0.3, 0.5] });
    expect(kinds(tick(130))).toEqual(['TP2@115×0.1', 'TP3@125×0.15']);
    expect(kinds(tick(136))).toEqual(['TP4@135×0.25']);
  });

  it('adding a trailing stop starts it from the last price; removing it leaves the managed stop', () => {
    const { book, tick } = bookWith(managed({ targets: [200] }));
    tick(120);
    book.update(1, { trailing: { callbackRate: 0.1 } });
    expect(book.state(1)).toMatchObject({ trailingBest: 120, effectiveStop: 108 });
    book.update(1, { trailing: null });
    expect(tick(100)).toEqual([]);
    expect(book.state(1)?.effectiveStop).toBe(90);
  });
});
