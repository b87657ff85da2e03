// The edge mirror and the page's shared stream state price each open trade by its own market's key
// (SPEC §10): a FUTURES trade from `SYMBOL.P`, a SPOT one from `SYMBOL`, when one symbol is held as both.
import { describe, expect, it } from 'vitest';
import { MirrorState } from '../../server/cluster/mirror-state.ts';
import type { DeltaJson, SnapshotJson, TradeJson } from '../../shared/protocol-types.ts';
import { totalUnrealized, type PriceState } from '../../shared/stream-state.ts';
import { unrealizedPnl, roundMoney } from '../../shared/trade-math.ts';

class FedMirror extends MirrorState {
  feed(s: SnapshotJson): void {
    this.adopt(s);
  }
  delta(d: DeltaJson): void {
    this.apply(d);
  }
}

const trade = (id: number, market_type: 'SPOT' | 'FUTURES') =>
  ({
    id,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    market_type,
    status: 'OPEN',
    entry_price: 100,
    quantity: 1,
    position_size: 100,
    take_profit: 200,
    stop_loss: 50,
  }) as unknown as TradeJson;
const pl = (price: number) => unrealizedPnl({ direction: 'LONG', entryPrice: 100, quantity: 1, positionSize: 100 }, price, 0.001).profitLoss;

describe('prices per market in the mirror and the shared stream state', () => {
  it('prices the SPOT trade from BTCUSDT and the FUTURES trade from BTCUSDT.P, also after a delta', () => {
    const m = new FedMirror();
    const base = m.snapshot();
    m.feed({
      ...base,
      epoch: 'e',
      seq: 1,
      fee_rate: 0.001,
      open_positions: [trade(2, 'FUTURES'), trade(1, 'SPOT')],
      prices: { BTCUSDT: { price: 110, ts: 1 }, 'BTCUSDT.P': { price: 120, ts: 1 } },
    });
    const byId = () => new Map(m.openPositions().map((p) => [p.id, p.current_price]));
    expect(byId()).toEqual(
      new Map([
        [2, 120],
        [1, 110],
      ]),
    );
    expect(m.unrealized()).toBe(roundMoney(pl(110) + pl(120)));

    m.delta({ epoch: 'e', seq: 2, events: [{ type: 'prices', prices: { 'BTCUSDT.P': [90, 2] } }] });
    expect(byId()).toEqual(
      new Map([
        [2, 90],
        [1, 110],
      ]),
    );
    expect(m.snapshot().prices).toEqual({ BTCUSDT: { price: 110, ts: 1 }, 'BTCUSDT.P': { price: 90, ts: 2 } });
  });

  it('totalUnrealized (the page’s cards) counts a FUTURES trade only once its futures key has a price', () => {
    const prices = new Map<string, PriceState>([['BTCUSDT', { price: 110, ts: 1, stale: false }]]);
    const open = [trade(1, 'SPOT'), trade(2, 'FUTURES')];
    expect(totalUnrealized(open, prices, 0.001)).toEqual({ total: roundMoney(pl(110)), priced: 1 });
    prices.set('BTCUSDT.P', { price: 120, ts: 1, stale: false });
    expect(totalUnrealized(open, prices, 0.001)).toEqual({ total: roundMoney(pl(110) + pl(120)), priced: 2 });
  });
});
