import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('trailing stop with activation price', () => {
  it('is not in force before the first tick at or beyond activation, then trails from that tick', () => {
    const { book, tick } = bookWith(managed({ targets: [200], trailing: { callbackRate: 0.05, activationPrice: 110 } }));
    tick(109);
    expect(book.state(1)).toMatchObject({ trailingStop: null, effectiveStop: 90 });
    expect(tick(96)).toEqual([]);
    tick(110);
    expect(book.state(1)).toMatchObject({ trailingBest: 110, trailingStop: 110 * 0.95 });
    expect(kinds(tick(104))).toEqual(['TRAILING@104×1']);
  });

  it('SHORT: activates at or below the activation price', () => {
    const { book, tick } = bookWith(managed({ direction: 'SHORT', targets: [50], trailing: { callbackRate: 0.05, activationPrice: 90 } }));
    tick(91);
    expect(book.state(1)?.trailingStop).toBeNull();
    tick(89);
    expect(book.state(1)?.trailingBest).toBe(89);
  });
});
