// The wire form's one builder: its key order is the protocol's (snapshots are compared as bytes),
// and a record survives the trip to the wire and back.
import { describe, expect, it } from 'vitest';
import { jsonRoundTrips, tradeJson, tradeRecordFromJson, type TradeRecord } from '../../shared/trade-json.ts';

const record: TradeRecord = {
  id: 9,
  userId: null,
  signalId: null,
  bot: 'trend-bot',
  symbol: 'SOLUSDT',
  direction: 'SHORT',
  marketType: 'FUTURES',
  timeframe: '4h',
  confidence: 0.75,
  leverage: 5,
  entryPrice: 150.5,
  openedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  positionSize: 100,
  quantity: 3.32225913,
  takeProfit: 140,
  stopLoss: 155,
  status: 'CLOSED_SL',
  exitPrice: 156,
  exitTime: Date.UTC(2026, 0, 3),
  fees: 0.2,
  profitLoss: -18.47,
  profitLossPercentage: -18.47,
  priceGap: true,
  createdAt: Date.UTC(2026, 0, 2),
  updatedAt: Date.UTC(2026, 0, 3, 0, 0, 1),
};

describe('tradeJson', () => {
  it('writes the wire keys in the protocol order, never the owner', () => {
    expect(Object.keys(tradeJson(record))).toEqual([
      'id',
      'signal_id',
      'bot',
      'symbol',
      'direction',
      'market_type',
      'timeframe',
      'confidence',
      'leverage',
      'entry_price',
      'entry_time',
      'position_size',
      'quantity',
      'take_profit',
      'stop_loss',
      'status',
      'exit_price',
      'exit_time',
      'fees',
      'profit_loss',
      'profit_loss_percentage',
      'price_gap',
      'created_at',
      'updated_at',
      'targets',
      'legs',
      'remaining_quantity',
      'realized_profit_loss',
      'initial_stop_loss',
      'exit_reason',
      'sl_mode',
      'trailing_stop',
    ]);
    expect(tradeJson(record)).toMatchObject({ entry_time: '2026-01-02T03:04:05.678Z', exit_time: '2026-01-03T00:00:00.000Z' });
  });

  it('round-trips through tradeRecordFromJson, and tells non-canonical times apart', () => {
    const wire = tradeJson(record);
    expect(tradeRecordFromJson(wire, null)).toStrictEqual(record);
    expect(jsonRoundTrips(wire, record)).toBe(true);
    const open = tradeJson({ ...record, exitTime: null });
    expect(jsonRoundTrips(open, tradeRecordFromJson(open, null))).toBe(true);
    const short = { ...wire, created_at: '2026-01-02T00:00:00Z' };
    expect(jsonRoundTrips(short, tradeRecordFromJson(short, null))).toBe(false);
    const bad = { ...wire, updated_at: 'not a date' };
    expect(jsonRoundTrips(bad, tradeRecordFromJson(bad, 4))).toBe(false);
  });
});
