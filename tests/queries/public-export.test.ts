// The public CSV export over real PostgreSQL: system trades only, the list's filters and order, in
// keyset chunks, and a `next` cursor when more match than one answer holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/csv.ts';
import { EXPORT_COLUMNS, exportCsv } from '../../server/queries/public-export.ts';
import { publicListQuerySchema } from '../../server/queries/list-query.ts';
import { TradeQueries } from '../../server/queries/trade-queries.ts';
import { PUBLIC_SCOPE } from '../../server/privacy/trade-scope.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';

let t: TestStore;

beforeAll(async () => {
  t = await openTestStore();
  const user = (await t.orm.em.getConnection().execute(`insert into users (username, password_hash) values ('exp', 'x') returning id`))[0]!.id;
  // Seven system trades of two bots (ids 1-7, entry minute = id) and one user trade (id 8).
  await t.orm.em.getConnection().execute(
    `insert into paper_trades (id, user_id, bot, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
       position_size, quantity, take_profit, stop_loss, status, exit_price, exit_time, fees, profit_loss, profit_loss_percentage)
     overriding system value
     select g, case when g = 8 then ?::bigint end, case when g = 8 then null when g % 2 = 0 then 'even, "quoted"' else 'odd' end,
       'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100, '2025-01-01T00:00:00Z'::timestamptz + make_interval(mins => g), 100, 1, 110, 95,
       'CLOSED_TP', 110, '2025-01-01T01:00:00Z', 0.2, 9.8, 9.8
     from generate_series(1, 8) g`,
    [user],
  );
});
afterAll(async () => {
  await t?.close();
});

describe('exportCsv', () => {
  const queries = () => new TradeQueries(t.orm);
  const source = () => ({ tradePage: queries().tradePage.bind(queries(), PUBLIC_SCOPE) });
  const query = (q: Record<string, string> = {}) => publicListQuerySchema.parse(q);
  const ids = (csv: string) =>
    parseCsv(csv)
      .slice(1)
      .map((r) => Number(r.fields[0]));

  it('writes a header and every matching system trade, newest first; a user trade never', async () => {
    const r = await exportCsv(source(), query());
    const records = parseCsv(r.csv);
    expect(records[0]!.fields).toEqual([...EXPORT_COLUMNS]);
    expect(ids(r.csv)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(r).toMatchObject({ rows: 7, next: null });
    // A bot name with a comma and quotes survives the trip through CSV.
    expect(records[2]!.fields[1]).toBe('even, "quoted"');
  });

  it('takes the list filters, and continues by cursor past its row limit', async () => {
    expect(ids((await exportCsv(source(), query({ bot: 'odd' }))).csv)).toEqual([7, 5, 3, 1]);
    const first = await exportCsv(source(), query(), { maxRows: 3, chunk: 2 });
    expect([ids(first.csv), first.rows]).toEqual([[7, 6, 5], 3]);
    expect(first.next).not.toBeNull();
    const second = await exportCsv(source(), query({ cursor: first.next! }), { maxRows: 3, chunk: 2 });
    expect(ids(second.csv)).toEqual([4, 3, 2]);
    const third = await exportCsv(source(), query({ cursor: second.next! }), { maxRows: 3, chunk: 2 });
    expect([ids(third.csv), third.next]).toEqual([[1], null]);
  });
});
