// Hydration into the engine's book + side table: every open trade's on-demand TradeJson equals the
// one built from its database row (tradeRowToJson), for system, user, pending and unusual trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import { EngineEvents } from '../../server/engine/engine-events.ts';
import { PublicState } from '../../server/engine/public-state.ts';
import { TradeEngine } from '../../server/engine/trade-engine.ts';
import { createLogger } from '../../server/logger.ts';
import { StorePortAdapter } from '../../server/persistence/store-port-adapter.ts';
import { tradeRowToJson } from '../../server/persistence/trade-mapper.ts';
import { PUBLIC_SCOPE, userScope } from '../../server/privacy/trade-scope.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';

let t: TestStore;
let userId: number;
const q = (sql: string, params: unknown[] = []) =>
  t.orm.em
    .getConnection()
    .getKnex()
    .raw(sql, params as never[]) as Promise<{ rows: Record<string, unknown>[] }>;

beforeAll(async () => {
  t = await openTestStore();
  userId = Number((await q(`insert into users (username, password_hash) values ('side', 'x') returning id`)).rows[0]!.id);
  const insert = (v: Record<string, unknown>) => {
    const row = {
      signal_id: null,
      user_id: null,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      market_type: 'SPOT',
      timeframe: '1h',
      confidence: 0.5,
      leverage: 1,
      entry_price: 100,
      entry_time: '2025-03-01T12:00:00Z',
      position_size: 100,
      quantity: 1,
      take_profit: 110,
      stop_loss: 90,
      status: 'OPEN',
      price_gap: false,
      created_at: '2025-03-01T12:00:00Z',
      updated_at: '2025-03-01T12:00:00Z',
      ...v,
    };
    const cols = Object.keys(row);
    return q(`insert into paper_trades (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`, Object.values(row));
  };
  // Money at the edges of NUMERIC(30,8), sub-millisecond and pre-1970 times, every code, gaps, owners.
  await insert({ entry_price: '0.00000001', quantity: '10000000000', take_profit: '0.00000002', stop_loss: '0.000000005' });
  await insert({ entry_price: '1234567890123456.12345678', take_profit: '2234567890123456.87654321', stop_loss: '0.1', quantity: '0.00000008' });
  await insert({ direction: 'SHORT', take_profit: 90, stop_loss: 110, market_type: 'FUTURES', leverage: 125, timeframe: '1w', confidence: '0.9999' });
  await insert({ entry_time: '2025-03-01 12:00:00.123999+00', created_at: '2025-03-01 12:00:00.000001+00', updated_at: '2025-03-02 00:00:00.999999+00' });
  await insert({ entry_time: '1969-12-31 23:59:59.9995+00', created_at: '1960-01-01 00:00:00.0005+00', updated_at: '1970-01-01 00:00:00+00' });
  await insert({ price_gap: true, timeframe: '1m', confidence: 0 });
  await insert({ user_id: userId, symbol: 'ETHUSDT', timeframe: '4h', confidence: 1 });
  await insert({ user_id: userId, status: 'PENDING', symbol: 'ETHUSDT' });
  await insert({ status: 'PENDING', symbol: 'SOLUSDT', market_type: 'FUTURES', leverage: 3 });
  // An open row with exit fields set (should not happen): kept whole, still identical.
  await insert({ exit_price: '101.5', exit_time: '2025-03-03T00:00:00Z', fees: '0.2', profit_loss: '1.3', profit_loss_percentage: '1.3' });
  await insert({ status: 'CLOSED_TP', exit_price: 110, exit_time: '2025-03-03T00:00:00Z', fees: 0.21, profit_loss: 9.79, profit_loss_percentage: 9.79 });
  for (let i = 0; i < 20; i++)
    await insert({
      symbol: `S${i}USDT`,
      direction: i % 2 ? 'LONG' : 'SHORT',
      take_profit: i % 2 ? 110 : 90,
      stop_loss: i % 2 ? 90 : 110,
      timeframe: ['5m', '15m', '30m', '1h', '1d'][i % 5],
    });
});
afterAll(async () => {
  await t?.close();
});

async function hydratedEngine(): Promise<TradeEngine> {
  const log = createLogger('silent');
  let engine: TradeEngine | null = null;
  const book = new OpenBook({ feeRate: 0.001, listener: { closed: (c) => engine?.onBookClose(c) } });
  const store = new StorePortAdapter(t.store, t.orm);
  engine = new TradeEngine(book, store, new EngineEvents(log), new PublicState(await store.systemTradeTotals(), []), { positionSize: 100 }, log);
  await engine.hydrate();
  return engine;
}

async function storedOpen(): Promise<Array<{ json: ReturnType<typeof tradeRowToJson>; userId: number | null }>> {
  const ids = (await q(`select id from paper_trades where status in ('OPEN', 'PENDING') order by id`)).rows.map((r) => Number(r.id));
  const out = [];
  for (const id of ids) {
    const row = (await t.store.getTrade(id))!;
    out.push({ json: tradeRowToJson(row), userId: row.userId });
  }
  return out;
}

describe('open trades hydrated into the book + side table', () => {
  it('build the same TradeJson as their database rows, field for field and key for key', async () => {
    const engine = await hydratedEngine();
    const stored = await storedOpen();
    expect(stored).toHaveLength(30);
    for (const s of stored) {
      const o = engine.openTrade(s.json.id);
      expect(o?.userId).toBe(s.userId);
      expect(o?.trade).toStrictEqual(s.json);
      expect(JSON.stringify(o?.trade)).toBe(JSON.stringify(s.json));
    }
  });

  it('keep the wall and the newest-first order of snapshots', async () => {
    const engine = await hydratedEngine();
    const stored = await storedOpen();
    const system = stored
      .filter((s) => s.userId === null)
      .map((s) => s.json)
      .reverse();
    expect(engine.openTrades(PUBLIC_SCOPE)).toStrictEqual(system);
    // A user's snapshot holds that user's trades in the book (pending ones wait outside it).
    const mine = stored
      .filter((s) => s.userId === userId && s.json.status === 'OPEN')
      .map((s) => s.json)
      .reverse();
    expect(engine.openTrades(userScope(userId))).toStrictEqual(mine);
    expect(engine.openTrades(userScope(userId + 1))).toEqual([]);
  });

  it('markGaps flags only the given symbols, pending and whole trades included', async () => {
    const engine = await hydratedEngine();
    engine.markGaps(new Set(['ETHUSDT', 'S3USDT']));
    const stored = await storedOpen();
    for (const s of stored) {
      const expected = s.json.price_gap || s.json.symbol === 'ETHUSDT' || s.json.symbol === 'S3USDT';
      expect(engine.openTrade(s.json.id)?.trade.price_gap).toBe(expected);
    }
    engine.markGaps(null);
    for (const s of stored) expect(engine.openTrade(s.json.id)?.trade).toStrictEqual({ ...s.json, price_gap: true });
  });
});
