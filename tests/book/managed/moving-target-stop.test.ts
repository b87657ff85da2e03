import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('moving-target stop', () => {
  it('moves to entry after TP1, to TP1 after TP2, to TP2 after TP3', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120, 130, 140], slMode: 'moving_target' }));
    tick(111);
    expect(book.state(1)?.stopLoss).toBe(100);
    tick(121);
    expect(book.state(1)?.stopLoss).toBe(110);
    tick(131);
    expect(book.state(1)?.stopLoss).toBe(120);
    expect(kinds(tick(119))).toEqual(['SL@119×0.25']);
  });

  it('two targets in one tick move the stop once, to the previous target of the last one filled', () => {
    const { book, tick } = bookWith(managed({ targets: [110, 120, 130], slMode: 'moving_target' }));
    tick(125);
    expect(book.state(1)?.stopLoss).toBe(110);
  });
});
