import { describe, expect, it } from 'vitest';
import { ManagedBook } from '../../../server/book/managed-book.ts';
import type { LegFill } from '../../../server/book/managed-types.ts';
import { FEE, managed } from './managed-factory.ts';

describe('a partly filled trade, hydrated', () => {
  it('continues from the next tick with its remaining legs, moved stop and trailing best, as if never restarted', () => {
    const terms = managed({ targets: [110, 120, 130], slMode: 'breakeven', trailing: { callbackRate: 0.05 } });
    const before = [105, 112, 118, 116];
    const after = [121, 124, 117.5, 117];
    const live = new ManagedBook(FEE);
    live.add('BTCUSDT', terms);
    let ts = 0;
    const sink: LegFill[] = [];
    for (const p of before) live.tick('BTCUSDT', p, ++ts, sink);
    const state = live.state(1)!;
    expect(state).toMatchObject({ filled: 1, stopLoss: 100, trailingBest: 118 });

    // What persistence keeps (trade-legs.ts): filled count, managed stop, trailing best.
    const restarted = new ManagedBook(FEE);
    restarted.add('BTCUSDT', { ...terms, stopLoss: state.stopLoss }, { filled: state.filled, trailingBest: state.trailingBest });
    expect(restarted.state(1)).toEqual(state);
    const a: LegFill[] = [];
    const b: LegFill[] = [];
    for (const p of after) {
      live.tick('BTCUSDT', p, ++ts, a);
      restarted.tick('BTCUSDT', p, ts, b);
    }
    expect(b).toEqual(a);
    expect(a.map((f) => f.kind)).toEqual(['TP2', 'TRAILING']);
  });
});
