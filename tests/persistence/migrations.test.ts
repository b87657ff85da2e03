// The committed migration creates exactly what the entities describe, with SPEC §1's indexes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(async () => {
  await t?.close();
});

const q = async (sql: string, params: unknown[] = []) =>
  (
    (await t.orm.em
      .getConnection()
      .getKnex()
      .raw(sql, params as never[])) as { rows: Record<string, unknown>[] }
  ).rows;

describe('initial migration', () => {
  it('creates the four tables', async () => {
    const rows = await q(`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['api_tokens', 'mikro_orm_migrations', 'paper_trades', 'signals', 'users']));
  });

  it('leaves no difference between entities and schema', async () => {
    expect((await t.orm.getSchemaGenerator().getUpdateSchemaSQL()).trim()).toBe('');
  });

  it('is idempotent: running up() again applies nothing', async () => {
    expect(await t.orm.getMigrator().up()).toEqual([]);
  });

  it('creates the SPEC §1 indexes', async () => {
    const rows = await q(`select indexname, indexdef from pg_indexes where schemaname = 'public'`);
    const defs = new Map(rows.map((r) => [r.indexname as string, r.indexdef as string]));
    expect(defs.get('paper_trades_system_signal_unique')).toMatch(/UNIQUE INDEX .* \(signal_id\) WHERE \(user_id IS NULL\)/);
    expect(defs.get('signals_source_external_id_unique')).toMatch(/UNIQUE INDEX .*\(source, external_id\)/);
    for (const col of ['status', 'entry_time', 'exit_time', 'symbol', 'user_id']) {
      expect(defs.get(`paper_trades_${col}_index`)).toContain(`(${col})`);
    }
    expect(defs.get('users_username_unique')).toMatch(/UNIQUE/);
    expect(defs.get('api_tokens_token_hash_unique')).toMatch(/UNIQUE/);
  });

  it('uses identity bigint ids and NUMERIC money columns', async () => {
    const cols = await q(
      `select table_name, column_name, data_type, numeric_precision, numeric_scale, is_identity, identity_generation
       from information_schema.columns where table_schema = 'public'`,
    );
    const col = (t: string, c: string) => cols.find((r) => r.table_name === t && r.column_name === c)!;
    for (const table of ['signals', 'paper_trades', 'users', 'api_tokens']) {
      expect(col(table, 'id')).toMatchObject({ data_type: 'bigint', is_identity: 'YES', identity_generation: 'BY DEFAULT' });
    }
    expect(col('paper_trades', 'profit_loss')).toMatchObject({ data_type: 'numeric', numeric_precision: 30, numeric_scale: 8 });
    expect(col('paper_trades', 'profit_loss_percentage')).toMatchObject({ numeric_precision: 12, numeric_scale: 4 });
    expect(col('paper_trades', 'price_gap')).toMatchObject({ data_type: 'boolean' });
    expect(col('paper_trades', 'version')).toMatchObject({ data_type: 'integer' });
  });

  it('rejects a second system trade for a signal but allows user trades on it', async () => {
    const { signal } = await t.store.ingestSignal(
      {
        source: 'mig',
        external_id: 'm1',
        symbol: 'ETHUSDT',
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
    );
    const insert = (userId: number | null) =>
      q(
        `insert into paper_trades (signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage,
           entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status)
         values (?, ?, 'ETHUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100, now(), 100, 1, 110, 90, 'OPEN')`,
        [signal.id, userId],
      );
    await expect(insert(null)).rejects.toMatchObject({ code: '23505', constraint: 'paper_trades_system_signal_unique' });
    const [user] = await q(`insert into users (username, password_hash) values ('alice', 'x') returning id`);
    await insert(Number(user!.id));
    await insert(Number(user!.id));
    const [n] = await q(`select count(*)::int as n from paper_trades where signal_id = ?`, [signal.id]);
    expect(n!.n).toBe(3);
  });
});
