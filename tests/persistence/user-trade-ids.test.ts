// Issue 16, item 4: public (system) trade ids come from a sequence no user action touches. Manual
// trades draw from their own range (2^52 …); existing ids stay; the CLI import moves only the system
// sequence and refuses ids in the user range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { UserRepository, type NewManualTrade } from '../../server/persistence/user-repository.ts';
import { exportTrades, importTrades, parseTradeCsv, ImportRejected } from '../../server/cli/trade-transfer.ts';

const USER_MIN = 2 ** 52;
let t: TestStore;
let users: UserRepository;
let userId: number;
let n = 0;

const q = async (sql: string, params: unknown[] = []) =>
  (
    (await t.orm.em
      .getConnection()
      .getKnex()
      .raw(sql, params as never[])) as { rows: Record<string, unknown>[] }
  ).rows;
const signal = async () =>
  (
    await t.store.ingestSignal(
      {
        source: 'ids',
        external_id: `s${++n}`,
        symbol: 'BTCUSDT',
        direction: 'LONG',
        timeframe: '1h',
        entry: 100,
        tp: 110,
        sl: 90,
        confidence: 0.5,
        market_type: 'SPOT',
        leverage: 1,
      },
      { positionSize: 100, now: new Date() },
    )
  ).trade!.id;
const manual = async () => {
  const m: NewManualTrade = {
    userId,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    marketType: 'SPOT',
    timeframe: '1h',
    leverage: 1,
    entryPrice: 100,
    entryTime: new Date(),
    positionSize: 100,
    quantity: 1,
    takeProfit: 110,
    stopLoss: 90,
  };
  return (await users.insertManualTrade(m)).id;
};

beforeAll(async () => {
  t = await openTestStore();
  users = new UserRepository(t.orm);
  userId = (await users.create('ids_user', 'x')).id;
});
afterAll(async () => {
  await t?.close();
});

describe('trade id ranges', () => {
  it('an existing database keeps its ids; from the migration on, user trades leave no gap in public ids', async () => {
    // The schema before the migration: one shared sequence.
    await t.orm.getMigrator().down({ to: 'Migration20261124000000ExpiringSignals' });
    // Today's store writes columns that schema lacks: the system trade of that time, in its own columns.
    const before = await q(
      `insert into paper_trades (user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
         position_size, quantity, take_profit, stop_loss, status) values (null, 'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100, now(), 100, 1, 110, 90, 'OPEN')
       returning id`,
    );
    expect(Number(before[0]!.id)).toBe(1);
    const old = await q(
      `insert into paper_trades (user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
         position_size, quantity, take_profit, stop_loss, status) values (?, 'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100, now(), 100, 1, 110, 90, 'OPEN')
       returning id`,
      [userId],
    );
    expect(Number(old[0]!.id)).toBe(2);
    await t.orm.getMigrator().up();

    expect(await signal()).toBe(3); // the old gap stays; no new one appears
    expect(await manual()).toBe(USER_MIN);
    expect(await manual()).toBe(USER_MIN + 1);
    expect(await manual()).toBe(USER_MIN + 2);
    expect(await signal()).toBe(4);
    const ids = (await q(`select id::text, user_id from paper_trades order by id`)).map((r) => [Number(r.id), r.user_id === null]);
    expect(ids).toEqual(
      [
        [1, true],
        [2, false],
        [3, true],
        [USER_MIN, false],
        [USER_MIN + 1, false],
        [USER_MIN + 2, false],
        [4, true],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    // Every id is a safe integer, and the system sequence cannot reach the user range.
    const [seq] = await q(`select max_value::text as max from pg_sequences where sequencename = 'paper_trades_id_seq'`);
    expect(seq!.max).toBe(String(USER_MIN - 1));
    const [name] = await q(`select pg_get_serial_sequence('paper_trades', 'id') as s`);
    expect(name!.s).toBe('public.paper_trades_id_seq');
  });

  it('trades:import moves only the system sequence, past the imported ids, and refuses user-range ids', async () => {
    let csv = '';
    await exportTrades(t.orm, 'system', async (c) => void (csv += c));
    const lines = csv.trimEnd().split('\r\n');
    // A system trade from elsewhere with id 100 (and no signal): after the import the next public id is 101.
    const row = lines[1]!.split(',');
    row[0] = '100';
    row[1] = '';
    const file = `${lines[0]}\r\n${row.join(',')}\r\n`;
    const parsed = parseTradeCsv(file);
    expect((await importTrades(t.orm, parsed.rows)).imported).toBe(1);
    expect(await signal()).toBe(101);
    expect(await manual()).toBe(USER_MIN + 3);

    row[0] = String(USER_MIN + 10);
    try {
      parseTradeCsv(`${lines[0]}\r\n${row.join(',')}\r\n`);
      expect.unreachable('a user-range id was accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ImportRejected);
      expect(JSON.stringify((err as ImportRejected).errors)).toMatch(/"field":"id"/);
    }
  });
});
