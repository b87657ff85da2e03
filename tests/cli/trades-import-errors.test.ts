// A malformed trades CSV: every problem is reported with its line and field, and nothing is written
// (not even the valid rows).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdmin } from '../../server/persistence/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCli } from './run-cli.ts';

const HEADER =
  'id,signal_id,user_id,symbol,direction,market_type,timeframe,confidence,leverage,entry_price,entry_time,position_size,' +
  'quantity,take_profit,stop_loss,status,exit_price,exit_time,fees,profit_loss,profit_loss_percentage,created_at,updated_at';
const T = '2025-03-01T12:00:00Z';
const GOOD = `1,1,,BTCUSDT,LONG,SPOT,1h,0.5,1,50000,${T},100,0.002,52000,49000,CLOSED_TP,52000,2025-03-01T13:00:00Z,0.204,3.796,3.796,${T},${T}`;
const OPEN = `2,,,ETHUSDT,SHORT,SPOT,4h,0.7,1,3000,${T},100,0.0333,2900,3100,OPEN,,,,,,${T},${T}`;

describe('trades:import of a malformed file', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let dir: string;
  const env = () => ({ DATABASE_URL: db.url });
  const trades = () => withAdmin(db.url, async (k) => Number((await k.raw('select count(*) as n from paper_trades')).rows[0].n));
  const importText = async (text: string) => {
    const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(file, text);
    return runCli(['trades:import', '--in', file], env());
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'paperbook-cli-'));
    expect((await runCli(['migrate'], env())).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names line and field for each bad value and writes nothing', async () => {
    const rows = [
      HEADER,
      GOOD,
      OPEN.replace(',3000,', ',-3000,'), // line 3: entry_price
      `3,,,BTC-USD,UP,SPOT,2h,1.5,1,1,yesterday,100,1,2,0.5,OPEN,,,,,,${T},${T}`, // line 4: several
      OPEN.replace(/^2,/, '4,').replace(',OPEN,,', ',CLOSED_TP,,'), // line 5: exit fields missing
      OPEN.replace(/^2,/, '5,').replace(',2900,3100,', ',3100,2900,'), // line 6: levels the wrong way round
      `6,1,,BTCUSDT,LONG,SPOT,1h,0.5,1,50000,${T},100,0.002,52000,49000,OPEN,,,,,,${T}`, // line 7: a field short
      GOOD.replace(/^1,1,/, '1,7,'), // line 8: duplicate id
    ];
    const r = await importText(rows.join('\n') + '\n');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').map((l) => l.trim());
    expect(lines[0]).toMatch(/: \d+ problems found; nothing was imported\.$/);
    for (const expected of [
      'line 3, field entry_price: must be positive, got -3000',
      'line 4, field symbol: must match ^[A-Z0-9]{2,20}$, got "BTC-USD"',
      'line 4, field direction: must be one of LONG, SHORT, got "UP"',
      'line 4, field timeframe: must be one of 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w, got "2h"',
      'line 4, field confidence: must be between 0 and 1, got 1.5',
      'line 4, field entry_time: must be an ISO 8601 timestamp with a time zone, got "yesterday"',
      'line 5, field exit_price: is required for a CLOSED_TP trade',
      'line 5, field profit_loss_percentage: is required for a CLOSED_TP trade',
      'line 6, field take_profit: must be below entry_price for a SHORT trade',
      'line 6, field stop_loss: must be above entry_price for a SHORT trade',
      'line 7: has 22 fields, the header has 23',
      'line 8, field id: trade 1 already appears on line 2',
    ]) {
      expect(lines).toContain(expected);
    }
    expect(await trades()).toBe(0);
  });

  it('reports a missing column, a broken quote and an unreadable file', async () => {
    const noStatus = await importText(HEADER.replace(',status', '') + '\n');
    expect(noStatus.code).toBe(1);
    expect(noStatus.stderr).toMatch(/line 1 \(header\): missing column: status/);

    const quote = await importText(`${HEADER}\n${GOOD}\n"2,,,ETHUSDT\n`);
    expect(quote.code).toBe(1);
    expect(quote.stderr).toMatch(/line 3: quoted field is never closed/);

    const empty = await importText('');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/the file is empty/);

    const missing = await runCli(['trades:import', '--in', path.join(dir, 'nope.csv')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: ENOENT/);

    const usage = await runCli(['trades:import'], env());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/trades:import needs --in/);
    expect(await trades()).toBe(0);
  });

  it('a signal id that belongs to another trade is a conflict found in the database; nothing is written', async () => {
    expect((await importText(`${HEADER}\n${GOOD}\n`)).code).toBe(0);
    const r = await importText(`${HEADER}\n${OPEN}\n${OPEN.replace(/^2,,/, '3,1,')}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3, field signal_id: signal 1 already has system trade 1/);
    expect(await trades()).toBe(1);
  });

  it('accepts other spellings of the same values (column order, offsets, CRLF, quotes, unknown columns)', async () => {
    const cols = HEADER.split(',');
    const reordered = [...cols].reverse();
    const values = OPEN.replace(/^2,/, '10,').split(',');
    const byName = new Map(cols.map((c, i) => [c, values[i]!]));
    byName.set('entry_time', '2025-03-01 14:00:00+02:00');
    byName.set('symbol', '"ETHUSDT"');
    const line = reordered.map((c) => byName.get(c)).join(',');
    const r = await importText(`${reordered.join(',')},note\r\n${line},"free, text"\r\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Ignoring unknown column: note/);
    const exported = await runCli(['trades:export'], env());
    expect(exported.stdout).toContain('\r\n10,,,ETHUSDT,SHORT,SPOT,4h,0.7000,1,3000.00000000,2025-03-01T12:00:00.000000Z,');
  });
});
