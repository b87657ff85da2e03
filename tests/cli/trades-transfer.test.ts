// trades:export → trades:import into a fresh database gives the same trades (byte-identical
// re-export); re-importing is a no-op; user trades stay out unless --scope all (and never go in).
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdmin } from '../../server/persistence/database.ts';
import { createTestDatabase, openTestStore, type TestDatabase, type TestStore } from '../helpers/db.ts';
import { startTestServer } from '../helpers/server.ts';
import { INGEST, longSignal } from '../persistence/fixtures.ts';
import { runCli } from './run-cli.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

const HEADER =
  'id,signal_id,user_id,symbol,direction,market_type,timeframe,confidence,leverage,entry_price,entry_time,position_size,' +
  'quantity,take_profit,stop_loss,status,exit_price,exit_time,fees,profit_loss,profit_loss_percentage,created_at,updated_at';

async function count(url: string, sql: string): Promise<number> {
  return withAdmin(url, async (k) => Number((await k.raw(sql)).rows[0].n));
}

describe('trades:export / trades:import', { timeout: 120_000 }, () => {
  let source: TestStore;
  let target: TestDatabase;
  let dir: string;
  let systemCsv: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'paperbook-cli-'));
    source = await openTestStore();
    target = await createTestDatabase();
    const { store } = source;
    // Closed by TP and by SL, one still open, a leveraged SHORT future, one with a microsecond entry time.
    const a = await store.ingestSignal(longSignal(), INGEST);
    const b = await store.ingestSignal(longSignal({ symbol: 'ETHUSDT', entry: 3000, tp: 3100, sl: 2950 }), INGEST);
    await store.ingestSignal(longSignal({ symbol: 'SOLUSDT', entry: 150.123456, tp: 160, sl: 140 }), INGEST);
    const d = await store.ingestSignal(
      longSignal({ symbol: 'BTCUSDT', direction: 'SHORT', entry: 50_000, tp: 48_000, sl: 51_000, market_type: 'FUTURES', leverage: 10 }),
      INGEST,
    );
    const exitTime = new Date(INGEST.now.getTime() + 3_600_000);
    await store.closeTrade({
      id: a.trade!.id,
      status: 'CLOSED_TP',
      exitPrice: 52_000,
      exitTime,
      fees: 0.204,
      profitLoss: 3.796,
      profitLossPercentage: 3.796,
      priceGap: false,
    });
    await store.closeTrade({
      id: b.trade!.id,
      status: 'CLOSED_SL',
      exitPrice: 2949.5,
      exitTime,
      fees: 0.198316666,
      profitLoss: -1.881649999,
      profitLossPercentage: -1.8816,
      priceGap: true,
    });
    await store.closeTrade({
      id: d.trade!.id,
      status: 'CLOSED_TP',
      exitPrice: 48_000,
      exitTime,
      fees: 1.96,
      profitLoss: 38.04,
      profitLossPercentage: 38.04,
      priceGap: false,
    });
    await withAdmin(source.db.url, async (k) => {
      await k.raw(`update paper_trades set entry_time = entry_time + interval '123 microseconds' where symbol = 'SOLUSDT'`);
      const user = await k.raw(`insert into users (username, password_hash) values ('bob', 'x') returning id`);
      await k.raw(
        `insert into paper_trades (user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
                                   position_size, quantity, take_profit, stop_loss, status)
         values (?, 'XRPUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 0.5, now(), 10, 20, 0.6, 0.4, 'OPEN')`,
        [user.rows[0].id],
      );
    });
  });
  afterAll(async () => {
    await source?.close();
    await target?.drop().catch(warnIfFails('dropping the target database'));
    await rm(dir, { recursive: true, force: true });
  });

  it('exports system trades by default, as RFC 4180 CSV with the SPEC columns', async () => {
    const out = path.join(dir, 'system.csv');
    const r = await runCli(['trades:export', '--out', out], { DATABASE_URL: source.db.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Exported 4 system trades/);
    systemCsv = await readFile(out, 'utf8');
    const lines = systemCsv.split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(6);
    expect(systemCsv).not.toContain('XRPUSDT');
    expect(lines[1]).toMatch(/^1,1,,BTCUSDT,LONG,SPOT,1h,0\.5000,1,50000\.00000000,2025-03-01T12:00:00\.000000Z,100\.00000000,/);
    expect(lines[1]).toContain(',CLOSED_TP,52000.00000000,2025-03-01T13:00:00.000000Z,0.20400000,3.79600000,3.7960,');
    expect(systemCsv).toContain('2025-03-01T12:00:00.000123Z'); // microseconds survive
    // stdout without --out: the same bytes.
    const piped = await runCli(['trades:export'], { DATABASE_URL: source.db.url });
    expect(piped.stdout).toBe(systemCsv);
  });

  it('--scope all includes user trades', async () => {
    const r = await runCli(['trades:export', '--scope', 'all'], { DATABASE_URL: source.db.url });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\r\n')).toHaveLength(7);
    expect(r.stdout).toMatch(/\r\n5,,1,XRPUSDT,LONG,/);
  });

  it('import into a fresh database, then export: byte-identical; the server hydrates the open trade', async () => {
    const file = path.join(dir, 'system.csv');
    const r = await runCli(['trades:import', '--in', file], { DATABASE_URL: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Imported 4 of 4 trades .*; 4 placeholder signals created \(source "import"\)\./);

    const again = await runCli(['trades:export'], { DATABASE_URL: target.url });
    expect(again.stdout).toBe(systemCsv);

    const server = await startTestServer({}, { db: target, keepDatabase: true });
    try {
      const open = (await (await fetch(`${server.url}/api/public/paper-trading/open-positions/`)).json()) as Array<{ symbol: string }>;
      expect(open.map((t) => t.symbol)).toEqual(['SOLUSDT']);
      const perf = (await (await fetch(`${server.url}/api/public/paper-trading/performance/`)).json()) as { closed_trades: number };
      expect(perf.closed_trades).toBe(3);
      // New signals get ids past the imported ones.
      const ack = await fetch(`${server.url}/api/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ external_id: 'after-import', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 }),
      });
      expect(await ack.json()).toMatchObject({ ok: true, signal_id: 5, trade_id: 5 });
    } finally {
      await server.stop();
    }
  });

  it('re-importing the same file writes nothing new', async () => {
    const before = await count(target.url, 'select count(*) as n from paper_trades');
    const r = await runCli(['trades:import', '--in', path.join(dir, 'system.csv')], { DATABASE_URL: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Imported 0 of 4 trades .*; 4 already present and identical, skipped\./);
    expect(await count(target.url, 'select count(*) as n from paper_trades')).toBe(before);
    expect(await count(target.url, 'select count(*) as n from signals')).toBe(5);
  });

  it('a row whose id exists with other values is a conflict; nothing is written', async () => {
    const changed = systemCsv.replace(',CLOSED_SL,', ',CLOSED_MANUAL,');
    const file = path.join(dir, 'changed.csv');
    await writeFile(
      file,
      changed + '99,,,ADAUSDT,LONG,SPOT,1h,0.5,1,1,2025-03-01T12:00:00Z,100,100,2,0.5,OPEN,,,,,,2025-03-01T12:00:00Z,2025-03-01T12:00:00Z\r\n',
    );
    const before = await count(target.url, 'select count(*) as n from paper_trades');
    const r = await runCli(['trades:import', '--in', file], { DATABASE_URL: target.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3, field id: trade 2 already exists with a different status/);
    expect(r.stderr).toMatch(/nothing was imported/);
    expect(await count(target.url, 'select count(*) as n from paper_trades')).toBe(before);
  });

  it('a file holding user trades is refused, naming the line', async () => {
    const all = (await runCli(['trades:export', '--scope', 'all'], { DATABASE_URL: source.db.url })).stdout;
    const file = path.join(dir, 'all.csv');
    await writeFile(file, all);
    const fresh = await createTestDatabase();
    try {
      const r = await runCli(['trades:import', '--in', file], { DATABASE_URL: fresh.url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/line 6, field user_id: only system trades can be imported \(this row belongs to user 1\)/);
    } finally {
      await fresh.drop();
    }
  });
});
