// TradeEngine.hydrate against an in-memory store port: the count of open trades may arrive before,
// between or after the rows (the store reads it concurrently), and the bulk path (no duplicate
// probes) stops as soon as anything but the stream has changed the engine.
import { describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import { EngineEvents } from '../../server/engine/engine-events.ts';
import type { OpenTradeSink, TradeStorePort } from '../../server/engine/ports.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';
import { PublicState } from '../../server/engine/public-state.ts';
import { TradeEngine } from '../../server/engine/trade-engine.ts';
import { createLogger } from '../../server/logger.ts';
import { PUBLIC_SCOPE } from '../../server/privacy/trade-scope.ts';
import { withSingleTarget } from '../helpers/plan-fields.ts';

const fields = (id: number): TradeRecord => ({
  id,
  signalId: id,
  userId: null,
  bot: 'default',
  symbol: `S${id % 3}USDT`,
  direction: id % 2 ? 'LONG' : 'SHORT',
  marketType: 'SPOT',
  timeframe: '1h',
  confidence: 0.5,
  leverage: 1,
  entryPrice: 100,
  openedAt: 1_700_000_000_000 + id,
  positionSize: 100,
  quantity: 1,
  takeProfit: id % 2 ? 110 : 90,
  stopLoss: id % 2 ? 95 : 105,
  status: 'OPEN',
  priceGap: false,
  createdAt: 1_700_000_000_000 + id,
  updatedAt: 1_700_000_000_000 + id,
  exitPrice: null,
  exitTime: null,
  fees: null,
  profitLoss: null,
  profitLossPercentage: null,
});

/** Streams `ids` in one reused object, telling the count after `countAfter` rows; `during(i)` runs before row i. */
function storeOf(ids: number[], countAfter: number, during?: (i: number) => void): TradeStorePort {
  const stream = async (sink: OpenTradeSink): Promise<number> => {
    const f = fields(0);
    for (let i = 0; i <= ids.length; i++) {
      if (i === countAfter) sink.expect(ids.length);
      if (i === ids.length) break;
      during?.(i);
      Object.assign(f, fields(ids[i]!));
      sink.trade(f);
      if (i % 10 === 0) await Promise.resolve();
    }
    return ids.length;
  };
  const unused = () => Promise.reject(new Error('not used by hydrate'));
  return {
    hydrateOpenTrades: stream,
    openTradeExpiries: async () => [],
    openTradePlans: async () => new Map(),
    appendLegs: unused,
    saveTrailingBests: unused,
    recordSignalUpdate: unused,
    hasSignalUpdate: unused,
    systemTradeTotals: unused,
    recentClosedSystemTrades: unused,
    ingestSignal: unused,
    closeTrade: unused,
    findSignal: unused,
    markSignalCancelled: unused,
    getTrade: unused,
    activateTrade: unused,
  };
}

function engineOn(store: TradeStorePort) {
  const log = createLogger('silent');
  const book = new OpenBook({ feeRate: 0.001 });
  return {
    book,
    engine: new TradeEngine(book, store, new EngineEvents(log), new PublicState({ total: 0, cancelled: 0, closed: [] }), { positionSize: 100 }, log),
  };
}

const ids = Array.from({ length: 2_500 }, (_, i) => 3 * i + 1);

describe('TradeEngine.hydrate', () => {
  it('loads every trade once whether the count comes first, in between or last', async () => {
    for (const countAfter of [0, 1, 700, ids.length]) {
      const { engine, book } = engineOn(storeOf(ids, countAfter));
      expect(await engine.hydrate()).toBe(ids.length);
      expect(book.size).toBe(ids.length);
      expect(book.trades().map((t) => t.id)).toStrictEqual(ids);
      expect(engine.openTrades(PUBLIC_SCOPE).map((t) => t.id)).toStrictEqual([...ids].reverse());
    }
  });

  it('loads a large book into shared memory a worker faults in, with the same trades', async () => {
    const many = Array.from({ length: 60_000 }, (_, i) => 2 * i + 1);
    const { engine, book } = engineOn(storeOf(many, 5_000));
    expect(await engine.hydrate()).toBe(many.length);
    expect(book.trades().map((t) => t.id)).toStrictEqual(many);
    expect(book.get(many[59_999]!)).toMatchObject({ id: many[59_999], takeProfit: 110, stopLoss: 95, openedAt: 1_700_000_000_000 + many[59_999]! });
    expect((book as unknown as { store: { nums: Float64Array } }).store.nums.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(engine.openTrades(PUBLIC_SCOPE).length).toBe(many.length);
  });

  it('a trade added while hydrating (also streamed later) is not loaded twice: the rest takes the checked path', async () => {
    const late = ids[2_000]!;
    const store = storeOf(ids, 0, (i) => {
      if (i !== 1_000) return;
      const t = fields(late);
      engine.addUserTrade({
        userId: null,
        trade: withSingleTarget({
          id: t.id,
          signal_id: t.signalId,
          symbol: t.symbol,
          direction: t.direction,
          market_type: 'SPOT',
          timeframe: '1h',
          confidence: 0.5,
          leverage: 1,
          entry_price: 100,
          entry_time: new Date(t.openedAt).toISOString(),
          position_size: 100,
          quantity: 1,
          take_profit: t.takeProfit,
          stop_loss: t.stopLoss,
          status: 'OPEN',
          exit_price: null,
          exit_time: null,
          fees: null,
          profit_loss: null,
          profit_loss_percentage: null,
          price_gap: false,
          created_at: new Date(t.createdAt).toISOString(),
          updated_at: new Date(t.updatedAt).toISOString(),
        }),
      });
    });
    const { engine } = engineOn(store); // the store's callback above runs during hydrate(), after this line
    const book = (engine as unknown as { book: OpenBook }).book;
    await engine.hydrate();
    expect(book.size).toBe(ids.length);
    expect(book.trades().map((t) => t.id)).toStrictEqual(ids);
    const open = engine.openTrades(PUBLIC_SCOPE).map((t) => t.id);
    expect(open.length).toBe(ids.length);
    expect(new Set(open).size).toBe(ids.length);
    // Closing it leaves nothing of it behind (a second copy in the id index would stay open).
    expect(book.close(late, 'CLOSED_MANUAL', 1)).not.toBeNull();
    expect(book.has(late)).toBe(false);
  });
});
