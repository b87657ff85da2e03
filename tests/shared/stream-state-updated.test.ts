// The `updated` delta event (SPEC §9): an open trade replaced in place by id, anything else ignored.
import { describe, expect, it } from 'vitest';
import type { SnapshotJson, TradeJson } from '../../shared/protocol-types.ts';
import { emptyBatch, livePnl, StreamState, totalUnrealized } from '../../shared/stream-state.ts';
import { openTradeJson } from '../helpers/plan-fields.ts';

const trade = (id: number, over: Partial<TradeJson> = {}): TradeJson => openTradeJson({ id, ...over });

/** Trade 7 after TP1 of 110/120/130 filled and its stop moved to entry (breakeven). */
const afterTp1 = (t: TradeJson): TradeJson => ({
  ...t,
  stop_loss: 100,
  targets: [
    { level: 110, share: 1 / 3, filled_at: '2026-01-01T01:00:00.000Z' },
    { level: 120, share: 1 / 3, filled_at: null },
    { level: 130, share: 1 / 3, filled_at: null },
  ],
  legs: [{ kind: 'TP1', price: 110, quantity: 1, time: '2026-01-01T01:00:00.000Z', fees: 0.21, profit_loss: 9.79 }],
  remaining_quantity: 2,
  realized_profit_loss: 9.79,
  exit_reason: 'TP1',
  sl_mode: 'breakeven',
});

function snapshotOf(open: TradeJson[], closed: TradeJson[] = []): SnapshotJson {
  return {
    epoch: 'e1',
    seq: 1,
    server_time: '2026-01-01T00:00:00.000Z',
    fee_rate: 0.001,
    summary: {
      total_trades: 0,
      open_trades: 0,
      closed_trades: 0,
      profitable_trades: 0,
      losing_trades: 0,
      breakeven_trades: 0,
      win_rate: 0,
      total_profit_loss: 0,
      avg_profit_loss: 0,
      unrealized_profit_loss: 0,
      profit_factor: null,
      max_drawdown: 0,
      total_fees: 0,
    },
    open_positions: open,
    recent_closed: closed,
    prices: {},
  };
}

describe("StreamState: 'updated' (SPEC §9)", () => {
  it('replaces the open trade with that id and keeps its place', () => {
    const st = new StreamState();
    const seven = trade(7);
    st.applySnapshot(snapshotOf([trade(5), seven, trade(9)]), emptyBatch());
    const batch = emptyBatch();
    const moved = afterTp1(seven);
    st.applyEvent({ type: 'updated', trade: moved }, batch);
    expect([...st.open.keys()]).toEqual([5, 7, 9]);
    expect(st.open.get(7)).toBe(moved);
    expect(st.open.get(7)!.stop_loss).toBe(100);
    expect(batch.updated).toEqual([moved]);
    expect(batch.opened).toEqual([]);
    expect(batch.closed).toEqual([]);
  });

  it('a later update replaces an earlier one in the same batch', () => {
    const st = new StreamState();
    st.applySnapshot(snapshotOf([trade(7)]), emptyBatch());
    const batch = emptyBatch();
    const first = afterTp1(trade(7));
    const second = { ...first, stop_loss: 110 };
    st.applyEvent({ type: 'updated', trade: first }, batch);
    st.applyEvent({ type: 'updated', trade: second }, batch);
    expect(st.open.get(7)).toBe(second);
    expect(batch.updated).toEqual([first, second]);
  });

  it('ignores an update for a trade it does not hold open (unknown, or already closed)', () => {
    const st = new StreamState();
    const closed = trade(3, { status: 'CLOSED_SL', exit_price: 90, exit_time: '2026-01-01T02:00:00.000Z' });
    st.applySnapshot(snapshotOf([trade(7)], [closed]), emptyBatch());
    const batch = emptyBatch();
    st.applyEvent({ type: 'updated', trade: afterTp1(trade(42)) }, batch);
    st.applyEvent({ type: 'updated', trade: { ...closed, status: 'OPEN' } }, batch);
    expect([...st.open.keys()]).toEqual([7]);
    expect(st.recentClosed).toEqual([closed]);
    expect(batch.updated).toEqual([]);

    // Closed in this batch, then a stale update for it: it stays closed.
    st.applyEvent({ type: 'closed', trade: { ...trade(7), status: 'CLOSED_TP' } }, batch);
    st.applyEvent({ type: 'updated', trade: afterTp1(trade(7)) }, batch);
    expect(st.open.size).toBe(0);
    expect(batch.updated).toEqual([]);
  });

  it('unrealised P/L after the update covers only the remainder', () => {
    const st = new StreamState();
    st.applySnapshot(snapshotOf([trade(7)]), emptyBatch());
    const prices = new Map([['BTCUSDT', { price: 115, ts: 1, stale: false }]]);
    // Whole position: 3 × 15 − 3 × 215 × 0.001 = 44.355.
    expect(totalUnrealized(st.open.values(), prices, 0.001).total).toBe(44.355);
    st.applyEvent({ type: 'updated', trade: afterTp1(st.open.get(7)!) }, emptyBatch());
    // Remainder 2: 2 × 15 − 2 × 215 × 0.001 = 29.57 (TP1's 9.79 is realised, reported apart).
    expect(livePnl(st.open.get(7)!, 115, 0.001).profitLoss).toBe(29.57);
    expect(totalUnrealized(st.open.values(), prices, 0.001)).toEqual({ total: 29.57, priced: 1 });
  });
});
