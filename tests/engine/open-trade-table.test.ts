// The engine's side table of open trades and the on-demand TradeJson built from it plus book terms.
import { describe, expect, it } from 'vitest';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { OpenTradeTable, type OpenTradeSide } from '../../server/engine/open-trade-table.ts';
import { jsonIsCompact } from '../../server/engine/open-trade-record.ts';
import { tradeJson, tradeRecordFromJson } from '../../shared/trade-json.ts';
import { priceKey } from '../../shared/price-key.ts';
import { withSingleTarget } from '../helpers/plan-fields.ts';

const side = (id: number, over: Partial<OpenTradeSide> = {}): OpenTradeSide => ({
  id,
  userId: null,
  bot: 'default',
  symbol: 'BTCUSDT',
  marketType: 'SPOT',
  timeframe: '1h',
  status: 'OPEN',
  confidence: 0.5,
  leverage: 1,
  createdAt: 1_700_000_000_000 + id,
  updatedAt: 1_700_000_000_500 + id,
  priceGap: false,
  ...over,
});

const json = (over: Partial<TradeJson> = {}): TradeJson =>
  withSingleTarget({
    id: 7,
    signal_id: 3,
    symbol: 'ETHUSDT',
    direction: 'SHORT',
    market_type: 'FUTURES',
    timeframe: '15m',
    confidence: 0.1234,
    leverage: 20,
    entry_price: 3000.12345678,
    entry_time: '2025-03-01T12:00:00.123Z',
    position_size: 100,
    quantity: 0.66664,
    take_profit: 2900,
    stop_loss: 3100.5,
    status: 'OPEN',
    exit_price: null,
    exit_time: null,
    fees: null,
    profit_loss: null,
    profit_loss_percentage: null,
    price_gap: false,
    created_at: '2025-03-01T12:00:00.100Z',
    updated_at: '2025-03-01T12:00:00.200Z',
    ...over,
  });

describe('OpenTradeTable', () => {
  it('round-trips every side field and code', () => {
    const table = new OpenTradeTable(2);
    const rows = [
      side(1),
      side(2, { userId: 42, marketType: 'FUTURES', timeframe: '1w', status: 'PENDING', confidence: 1, leverage: 125, priceGap: true }),
      side(3, { symbol: 'ETHUSDT', timeframe: '1m', confidence: 0 }),
    ];
    for (const r of rows) table.set(r);
    for (const r of rows) expect(table.get(r.id)).toStrictEqual(r);
    expect(table.size).toBe(3);
    expect(table.get(4)).toBeUndefined();
  });

  it('keeps first-insertion order across replaces, deletes and slot reuse', () => {
    const table = new OpenTradeTable(1);
    for (const id of [10, 5, 30, 20]) table.set(side(id));
    table.set(side(5, { status: 'OPEN', updatedAt: 1 })); // replace keeps its place
    table.delete(30);
    table.set(side(1)); // reuses 30's slot, still last in order
    expect(table.idsInOrder(() => true)).toEqual([10, 5, 20, 1]);
    expect(table.get(5)?.updatedAt).toBe(1);
    expect(table.has(30)).toBe(false);
  });

  it('filters by owner for the wall', () => {
    const table = new OpenTradeTable();
    table.set(side(1));
    table.set(side(2, { userId: 9 }));
    table.set(side(3));
    expect(table.idsInOrder((u) => u === null)).toEqual([1, 3]);
    expect(table.idsInOrder((u) => u === 9)).toEqual([2]);
  });

  it('marks gaps per symbol, keeping whole records in step', () => {
    const table = new OpenTradeTable();
    const whole = json({ id: 2, symbol: 'ETHUSDT', status: 'PENDING' });
    table.set(side(1));
    table.set(side(2, { symbol: 'ETHUSDT', status: 'PENDING' }), whole);
    table.set(side(3, { symbol: 'SOLUSDT' }));
    expect([...table.markGaps(new Set(['ETHUSDT', 'XRPUSDT']))]).toEqual(['ETHUSDT']);
    expect(table.get(2)?.priceGap).toBe(true);
    expect(table.wholeOf(2)?.price_gap).toBe(true);
    expect(table.get(1)?.priceGap).toBe(false);
    expect([...table.markGaps(null)].sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(table.get(3)?.priceGap).toBe(true);
  });
});

describe('on-demand TradeJson', () => {
  it('rebuilds a compact open trade exactly from its fields (the book holds the terms)', () => {
    for (const t of [json(), json({ id: 8, signal_id: null, direction: 'LONG', take_profit: 3100.5, stop_loss: 2900, price_gap: true })]) {
      const f = tradeRecordFromJson(t, 5);
      expect(jsonIsCompact(t, f)).toBe(true);
      const rebuilt = tradeJson(f);
      expect(rebuilt).toStrictEqual(t);
      expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(t));
      // The engine's path: the book's terms (symbol = price key) plus the side table's record.
      const table = new OpenTradeTable();
      table.set(f);
      const terms = { ...f, symbol: priceKey(f.symbol, f.marketType) };
      expect(JSON.stringify(tradeJson(table.record(f.id, terms)!))).toBe(JSON.stringify(t));
      expect(table.record(f.id + 1, terms)).toBeUndefined();
    }
  });

  it('keeps whole anything the fields cannot rebuild', () => {
    const cases = [
      json({ status: 'PENDING' }),
      json({ exit_price: 1, exit_time: '2025-03-02T00:00:00.000Z', fees: 0.1, profit_loss: 1, profit_loss_percentage: 1 }),
      json({ entry_time: '2025-03-01T12:00:00Z' }), // not toISOString's form
      json({ created_at: 'not a date' }),
    ];
    for (const t of cases) expect(jsonIsCompact(t, tradeRecordFromJson(t, null))).toBe(false);
  });
});
