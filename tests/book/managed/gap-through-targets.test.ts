import { describe, expect, it } from 'vitest';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('a gap through several targets', () => {
  it('fills each target at its own level, not at the gapped tick, and the last closes the trade', () => {
    const { book, tick } = bookWith(managed({ targets: [105, 110, 115] }));
    const fills = tick(150);
    expect(kinds(fills)).toEqual(['TP1@105×0.33333333', 'TP2@110×0.33333333', 'TP3@115×0.33333334']);
    expect(fills.at(-1)?.final).toBe(true);
    expect(fills.reduce((q, f) => q + f.quantity, 0)).toBeCloseTo(1, 12);
    expect(book.has(1)).toBe(false);
  });

  it('a stop gapped through fills at the tick (the gap is paid)', () => {
    const { tick } = bookWith(managed({ targets: [105, 110] }));
    expect(kinds(tick(80))).toEqual(['SL@80×1']);
  });
});
