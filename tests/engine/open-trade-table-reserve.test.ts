// The side table's reserve (start-up hydration of a known count) hands back the shared memory it took
// for the page prefault, and the table reads back what was written into it and past it.
import { describe, expect, it } from 'vitest';
import { OpenTradeTable, type OpenTradeSide } from '../../server/engine/open-trade-table.ts';

const side = (id: number): OpenTradeSide => ({
  id,
  userId: id % 3 === 0 ? id : null,
  bot: id % 3 === 0 ? null : `bot-${id % 2}`,
  symbol: `S${id % 7}USDT`,
  marketType: id % 2 === 0 ? 'SPOT' : 'FUTURES',
  timeframe: '1h',
  status: 'OPEN',
  confidence: 0.5,
  leverage: 1 + (id % 5),
  createdAt: 1_700_000_000_000 + id,
  updatedAt: 1_700_000_000_500 + id,
  priceGap: false,
});

describe('OpenTradeTable.reserve', () => {
  it('returns the shared memory it took, once', () => {
    const table = new OpenTradeTable();
    const fresh = table.reserve(50_000);
    expect(fresh.length).toBeGreaterThan(0);
    for (const b of fresh) expect(b).toBeInstanceOf(SharedArrayBuffer);
    expect(table.reserve(50_000)).toEqual([]);
  });

  it('keeps every trade, within the reserved count and past it', () => {
    const table = new OpenTradeTable();
    table.reserve(3_000);
    for (let id = 1; id <= 4_000; id++) table.insert(side(id));
    expect(table.size).toBe(4_000);
    for (const id of [1, 2_999, 3_000, 3_001, 4_000]) expect(table.get(id)).toStrictEqual(side(id));
    expect(table.idsInOrder(() => true)).toEqual(Array.from({ length: 4_000 }, (_, i) => i + 1));
  });
});
