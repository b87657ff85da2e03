import { describe, expect, it } from 'vitest';
import { trailingStopLevel } from '../../../shared/leg-math.ts';
import { bookWith, kinds, managed } from './managed-factory.ts';

describe('trailing stop, LONG', () => {
  it('trails the best price since entry and fills at the crossing tick', () => {
    const { book, tick } = bookWith(managed({ targets: [200], trailing: { callbackRate: 0.05 } }));
    expect(book.state(1)).toMatchObject({ trailingBest: 100, trailingStop: 95, effectiveStop: 95 });
    tick(120);
    tick(115);
    expect(book.state(1)).toMatchObject({ trailingBest: 120, trailingStop: trailingStopLevel('LONG', 120, 0.05) });
    expect(tick(114.5)).toEqual([]);
    expect(kinds(tick(113.9))).toEqual(['TRAILING@113.9×1']);
  });

  it('the managed stop wins while it is the more protective', () => {
    const { tick } = bookWith(managed({ targets: [200], stopLoss: 97, trailing: { callbackRate: 0.05 } }));
    expect(kinds(tick(96.5))).toEqual(['SL@96.5×1']);
  });

  it('many trades at different rates and start points each fire at their own level', () => {
    const terms = [0.01, 0.02, 0.05, 0.1].map((rate, i) => managed({ id: i + 1, targets: [500], trailing: { callbackRate: rate } }));
    const { book, tick } = bookWith(...terms);
    tick(150);
    book.add('BTCUSDT', managed({ id: 9, entryPrice: 150, targets: [500], stopLoss: 100, trailing: { callbackRate: 0.01 } }));
    expect(kinds(tick(148))).toEqual(['TRAILING@148×1', 'TRAILING@148×1']);
    expect([1, 9].map((id) => book.has(id))).toEqual([false, false]);
    expect(kinds(tick(140))).toEqual(['TRAILING@140×1', 'TRAILING@140×1']);
    expect(book.has(4)).toBe(true);
  });
});
