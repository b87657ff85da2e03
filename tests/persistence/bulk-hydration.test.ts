// Hydration into an empty engine (the bulk path: no duplicate probes) builds the same engine as the
// checked one-by-one path, with pages small enough that rows span many page boundaries:
// same trades in the same order, same snapshots, same closes in the same order, same P/L.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import type { BookClose } from '../../server/book/types.ts';
import { EngineEvents } from '../../server/engine/engine-events.ts';
import type { OpenTradeSink } from '../../server/engine/ports.ts';
import { PublicState } from '../../server/engine/public-state.ts';
import { TradeEngine } from '../../server/engine/trade-engine.ts';
import { createLogger } from '../../server/logger.ts';
import { StorePortAdapter } from '../../server/persistence/store-port-adapter.ts';
import { PUBLIC_SCOPE, userScope } from '../../server/privacy/trade-scope.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { tickKeys } from '../../shared/price-key.ts';

let t: TestStore;
let userId: number;
const q = (sql: string, params: unknown[] = []) =>
  t.orm.em
    .getConnection()
    .getKnex()
    .raw(sql, params as never[]) as Promise<{ rows: Record<string, unknown>[] }>;

/** The product's adapter with small pages, so the rows cross many page boundaries. */
class SmallPages extends StorePortAdapter {
  constructor(private readonly pageSize: number) {
    super(t.store, t.orm);
  }

  override hydrateOpenTrades(sink: OpenTradeSink): Promise<number> {
    return this.store.hydrateOpenTrades(sink, this.pageSize);
  }
}

async function engineWith(pageSize: number, before?: (e: TradeEngine) => void) {
  const log = createLogger('silent');
  const closes: BookClose[] = [];
  // Closes are recorded, not written: both engines see the same rows.
  const book = new OpenBook({ feeRate: 0.001, listener: { closed: (c) => closes.push(c) } });
  const store = new SmallPages(pageSize);
  const engine = new TradeEngine(book, store, new EngineEvents(log), new PublicState(await store.systemTradeTotals(), []), { positionSize: 100 }, log);
  before?.(engine);
  let expected = -1;
  const n = await store.hydrateOpenTrades({ expect: (c) => (expected = c), trade: () => {} });
  expect(await engine.hydrate()).toBe(n);
  return { engine, book, closes, expected };
}

const ID_OFFSET = 1_000_000;

beforeAll(async () => {
  t = await openTestStore();
  userId = Number((await q(`insert into users (username, password_hash) values ('bulk', 'x') returning id`)).rows[0]!.id);
  // 300 rows with gaps in the ids (every 7th closed): LONG and SHORT, SPOT and FUTURES, user and
  // pending trades, tied TP/SL levels, an open row with exit fields, ids far above the rest.
  await q(
    `insert into paper_trades (id, user_id, signal_id, symbol, direction, market_type, timeframe, confidence, leverage,
       entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status, price_gap, exit_price, fees)
     overriding system value
     select case when g > 290 then g + ${ID_OFFSET} else g end,
       case when g % 11 = 0 then ?::bigint end, null,
       'S' || (g % 5) || 'USDT', case when g % 2 = 0 then 'LONG' else 'SHORT' end,
       case when g % 4 = 0 then 'FUTURES' else 'SPOT' end, '1h', 0.5, 1 + g % 3, 100, now() - (g || ' s')::interval, 100,
       1 + (g % 4) * 0.25, case when g % 2 = 0 then 110 + g % 3 else 90 - g % 3 end,
       case when g % 2 = 0 then 95 - g % 2 else 105 + g % 2 end,
       case when g % 7 = 0 then 'CLOSED_SL' when g % 13 = 0 then 'PENDING' else 'OPEN' end, g % 17 = 0,
       case when g = 50 then 101.5 end, case when g = 50 then 0.2 end
     from generate_series(1, 300) g`,
    [userId],
  );
});
afterAll(async () => {
  await t?.close();
});

describe('bulk hydration', () => {
  it('equals the checked one-by-one path, across page boundaries', async () => {
    for (const pageSize of [1, 7, 64, 100_000]) {
      const bulk = await engineWith(pageSize);
      // A trade already open (in a symbol of its own) makes hydrate take the checked path for every row.
      const extra = { ...bulk.engine.openTrades(PUBLIC_SCOPE)[0]!, id: 9 * ID_OFFSET, symbol: 'ZZZUSDT' };
      const checked = await engineWith(pageSize, (e) => e.addUserTrade({ userId: userId + 1, trade: extra }));
      checked.book.close(extra.id, 'CLOSED_MANUAL', 0);
      checked.closes.length = 0;
      expect(bulk.expected).toBe(checked.expected);
      expect(bulk.engine.openTrades(PUBLIC_SCOPE)).toStrictEqual(checked.engine.openTrades(PUBLIC_SCOPE));
      expect(bulk.engine.openTrades(userScope(userId))).toStrictEqual(checked.engine.openTrades(userScope(userId)));
      expect(bulk.book.trades()).toStrictEqual(checked.book.trades());
      const watched = checked.engine.watchedMarkets();
      watched[extra.market_type === 'SPOT' ? 'spot' : 'futures'].delete('ZZZUSDT');
      expect(bulk.engine.watchedMarkets()).toStrictEqual(watched);
      // Sweep every symbol's book (both markets' price keys) down then up (the book alone: pending entries would write to the
      // database): every trade closes, in the trigger order.
      for (const { book } of [bulk, checked]) {
        for (let i = 0; i < 5; i++) for (const key of tickKeys(`S${i}USDT`, undefined)) book.tick(key, 80, 1);
      }
      expect(bulk.book.unrealizedPnl()).toBe(checked.book.unrealizedPnl());
      for (const { book } of [bulk, checked]) {
        for (let i = 0; i < 5; i++) for (const key of tickKeys(`S${i}USDT`, undefined)) book.tick(key, 120, 2);
      }
      expect(bulk.closes.length).toBeGreaterThan(200);
      expect(bulk.closes).toStrictEqual(checked.closes);
      expect(bulk.book.size).toBe(0);
    }
  });

  it('hydrates rows in id order, each once, the count told first', async () => {
    const ids: number[] = [];
    let told = -1;
    const n = await t.store.hydrateOpenTrades({ expect: (c) => (told = c), trade: (f) => ids.push(f.id) }, 7);
    const stored = (await q(`select id from paper_trades where status in ('OPEN', 'PENDING') order by id`)).rows.map((r) => Number(r.id));
    expect(told).toBe(stored.length);
    expect(n).toBe(stored.length);
    expect(ids).toStrictEqual(stored);
  });

  it('an empty table hydrates nothing', async () => {
    await q(`truncate paper_trades, signals restart identity cascade`);
    const { engine, book, expected } = await engineWith(7);
    expect(expected).toBe(0);
    expect(book.size).toBe(0);
    expect(engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
  });
});
