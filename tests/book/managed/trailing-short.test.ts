import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('trailing stop, SHORT', () => {
  it('trails the lowest price since entry, best × (1 + rate)', () => {
    const { book, tick } = bookWith(managed({ direction: 'SHORT', targets: [50], trailing: { callbackRate: 0.1 } }));
    expect(book.state(1)).toMatchObject({ trailingBest: 100, effectiveStop: 110 });
    tick(80);
    expect(book.state(1)?.trailingStop).toBeCloseTo(88, 10);
    expect(tick(87.9)).toEqual([]);
    expect(kinds(tick(88.5))).toEqual(['TRAILING@88.5×1']);
  });
});
