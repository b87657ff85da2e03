// The closed system trades signal-quality analytics start from: newest first, closed ones only (a
// cancelled trade, which also has an exit price, takes no place within the limit), no user trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentClosedSystemTrades } from '../../server/analytics/closed-trade-source.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';

let t: TestStore;

beforeAll(async () => {
  t = await openTestStore();
  const user = (await t.orm.em.getConnection().execute(`insert into users (username, password_hash) values ('cts', 'x') returning id`))[0]!.id;
  // id: status, user, exit time (minutes after 00:00): 1 closed, 2 cancelled (newer), 3 a user's close (newest), 4 open.
  await t.orm.em.getConnection().execute(
    `insert into paper_trades (id, user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
       position_size, quantity, take_profit, stop_loss, status, exit_price, exit_time, fees, profit_loss, profit_loss_percentage)
     overriding system value
     select v.id, v.uid, 'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100, '2025-01-01T00:00:00Z', 100, 1, 110, 95, v.status,
       v.px, '2025-01-01T00:00:00Z'::timestamptz + make_interval(mins => v.m), 0.2, v.pl, v.pl
     from (values (1, null::bigint, 'CLOSED_TP', 110, 10, 9.8), (2, null, 'CANCELLED', 100, 20, 0),
                  (3, ?::bigint, 'CLOSED_SL', 95, 30, -5.2), (4, null, 'OPEN', null, null, null)) as v(id, uid, status, px, m, pl)`,
    [user],
  );
});
afterAll(async () => {
  await t?.close();
});

describe('recentClosedSystemTrades', () => {
  it('gives the newest closed system trades; cancelled, open and user trades take no place', async () => {
    const db = new SqlRunner(t.orm);
    expect((await recentClosedSystemTrades(db, 1)).map((r) => [r.id, r.status])).toEqual([[1, 'CLOSED_TP']]);
    expect((await recentClosedSystemTrades(db)).map((r) => r.id)).toEqual([1]);
  });
});
