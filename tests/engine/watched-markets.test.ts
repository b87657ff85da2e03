// Per-market open-trade counts behind the feed's watch list: a symbol is watched while any trade of
// it is open in that market.
import { describe, expect, it } from 'vitest';
import { WatchedMarkets } from '../../server/engine/watched-markets.ts';

describe('WatchedMarkets', () => {
  it('watches a symbol until its last open trade in that market closes', () => {
    const w = new WatchedMarkets();
    w.add('SPOT', 'BTCUSDT');
    w.add('SPOT', 'BTCUSDT');
    w.add('FUTURES', 'BTCUSDT');
    w.add('FUTURES', 'ETHUSDT');
    expect(w.sets()).toEqual({ spot: new Set(['BTCUSDT']), futures: new Set(['BTCUSDT', 'ETHUSDT']) });
    w.remove('SPOT', 'BTCUSDT');
    expect(w.sets().spot).toEqual(new Set(['BTCUSDT']));
    w.remove('SPOT', 'BTCUSDT');
    expect(w.sets().spot).toEqual(new Set());
    // Per price key (SPEC §10): the futures key stays watched, the spot key does not.
    expect(w.hasKey('BTCUSDT')).toBe(false);
    expect(w.hasKey('BTCUSDT.P')).toBe(true);
    expect(w.keys()).toEqual(new Set(['BTCUSDT.P', 'ETHUSDT.P']));
    w.remove('FUTURES', 'BTCUSDT');
    expect(w.hasKey('BTCUSDT.P')).toBe(false);
    // A remove without an add (nothing open) changes nothing.
    w.remove('SPOT', 'ETHUSDT');
    w.add('SPOT', 'ETHUSDT');
    expect(w.sets()).toEqual({ spot: new Set(['ETHUSDT']), futures: new Set(['ETHUSDT']) });
  });
});
