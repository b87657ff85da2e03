// The edge mirror applies `updated` (SPEC §9: a leg filled, terms changed): the open trade is replaced
// where it stands; an update of a trade the mirror does not hold open is ignored.
import { describe, expect, it } from 'vitest';
import { MirrorState } from '../../server/cluster/mirror-state.ts';
import type { DeltaJson, SnapshotJson, TradeJson } from '../../shared/protocol-types.ts';

class FedMirror extends MirrorState {
  feed(s: SnapshotJson): void {
    this.adopt(s);
  }
  delta(d: DeltaJson): void {
    this.apply(d);
  }
}

const trade = (id: number, over: Partial<TradeJson> = {}) =>
  ({
    id,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    market_type: 'SPOT',
    status: 'OPEN',
    entry_price: 100,
    quantity: 1,
    position_size: 100,
    take_profit: 130,
    stop_loss: 90,
    ...over,
  }) as TradeJson;

describe('edge mirror: updated', () => {
  it('replaces the open trade in place and ignores trades it does not hold open', () => {
    const m = new FedMirror();
    m.feed({ ...m.snapshot(), epoch: 'e', seq: 1, fee_rate: 0.001, open_positions: [trade(2), trade(1)], prices: {} });
    const before = m.openPositions().map((p) => p.id);
    m.delta({ epoch: 'e', seq: 2, events: [{ type: 'updated', trade: trade(1, { stop_loss: 100, remaining_quantity: 0.5 }) }] });
    expect(m.openPositions().map((p) => p.id)).toEqual(before);
    expect(m.openPositions().find((p) => p.id === 1)).toMatchObject({ stop_loss: 100, remaining_quantity: 0.5 });
    m.delta({ epoch: 'e', seq: 3, events: [{ type: 'updated', trade: trade(9) }] });
    expect(m.openPositions().map((p) => p.id)).toEqual(before);
  });
});
