// The binary COPY reader against real PostgreSQL output: NUMERIC decodes to exactly Number() of the
// column's text, timestamps to date_trunc('milliseconds') epoch ms, and the data may be split
// anywhere across CopyData chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyReader, type CopyFieldCursor } from '../../server/persistence/binary-copy-reader.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';

let t: TestStore;
let db: SqlRunner;
beforeAll(async () => {
  t = await openTestStore();
  db = new SqlRunner(t.orm);
});
afterAll(async () => {
  await t?.close();
});

async function copyBytes(select: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await db.copyOut(`copy (${select}) to stdout (format binary)`, (c) => chunks.push(Buffer.from(c)));
  return Buffer.concat(chunks);
}

function readAll<T>(bytes: Buffer, fields: number, read: (c: CopyFieldCursor) => T, chunkSize = bytes.length): T[] {
  const out: T[] = [];
  const reader = new BinaryCopyReader(fields, (c) => out.push(read(c)));
  for (let at = 0; at < bytes.length; at += chunkSize) reader.push(bytes.subarray(at, at + chunkSize));
  reader.finish();
  return out;
}

// Many digits, both signs, NUMERIC(30,8) extremes, beyond 2^53 and beyond 10^22, zero, NaN, infinities.
const NUMERICS = [
  '0',
  '1',
  '-1',
  '100',
  '0.1',
  '0.3',
  '-0.00000001',
  '0.00000001',
  '123.45678901',
  '99999999999999999999.99999999',
  '1234567890123456.12345678',
  '9007199254740993',
  '9007199254740993.5',
  '0.1234',
  '-42.4242',
  '1e22',
  '1e23',
  '123456789012345678901234567890',
  '0.000000000000000000000000000001',
  '5e-324',
  '1.7976931348623157e308',
  'NaN',
  'Infinity',
  '-Infinity',
  '100.00000000',
  '0.50000000',
  '10000',
  '10000.0001',
  '-9999.9999',
];

describe('BinaryCopyReader', () => {
  it('decodes NUMERIC exactly as Number() of its text', async () => {
    const random = `select (random() * 10 ^ (random() * 30 - 10))::numeric(40, 12) * (case when random() < 0.5 then -1 else 1 end) as x from generate_series(1, 2000)`;
    const given = NUMERICS.map((v) => `select '${v}'::numeric as x`).join(' union all ');
    await db.query(`create table copy_nums as select row_number() over () as i, x from (${given} union all ${random}) v`);
    const text = (await db.query(`select x::text as x from copy_nums order by i`)).map((r) => Number(r.x as string));
    const bytes = await copyBytes(`select x from copy_nums order by i`);
    const decoded = readAll(bytes, 1, (c) => c.numeric());
    expect(decoded).toHaveLength(text.length);
    decoded.forEach((v, i) => expect(Object.is(v, text[i]), `row ${i}: ${v} vs ${text[i]}`).toBe(true));
  });

  it('reads ints, NULLs, booleans, codes and timestamps; any split across chunks gives the same rows', async () => {
    const select = `select v.id::int8, v.n::int8, v.lev::int4, v.gap, v.dir, v.t::timestamptz, v.s from (values
      (1, null, 1, true, 'LONG', '2025-03-01 12:00:00.123999+00', 'BTCUSDT'),
      (9007199254740991, 7, 125, false, 'SHORT', '1969-12-31 23:59:59.9995+00', 'ÄÖÜUSDT'),
      (-5, -9007199254740991, -3, false, 'LONG', '1960-01-01 00:00:00.0005+00', ''),
      (2, 4294967296, 0, true, 'SHORT', null, 'X')) v(id, n, lev, gap, dir, t, s)`;
    const read = (c: CopyFieldCursor) => ({
      id: c.int8(),
      n: c.int8OrNull(),
      lev: c.int4(),
      gap: c.bool(),
      dir: c.oneOf(['LONG', 'SHORT'] as const),
      t: c.timestampMsOrNull(),
      s: c.text(),
    });
    const bytes = await copyBytes(select);
    const whole = readAll(bytes, 7, read);
    expect(whole).toStrictEqual([
      { id: 1, n: null, lev: 1, gap: true, dir: 'LONG', t: Date.UTC(2025, 2, 1, 12, 0, 0, 123), s: 'BTCUSDT' },
      { id: 9007199254740991, n: 7, lev: 125, gap: false, dir: 'SHORT', t: -1, s: 'ÄÖÜUSDT' },
      { id: -5, n: -9007199254740991, lev: -3, gap: false, dir: 'LONG', t: Date.UTC(1960, 0, 1), s: '' },
      { id: 2, n: 4294967296, lev: 0, gap: true, dir: 'SHORT', t: null, s: 'X' },
    ]);
    for (let size = 1; size <= 40; size++) expect(readAll(bytes, 7, read, size)).toStrictEqual(whole);
  });

  it('rejects data that ends early, a wrong field count and an unknown code', async () => {
    const bytes = await copyBytes(`select 'LONG'::text, 1::int4`);
    expect(() => readAll(bytes.subarray(0, bytes.length - 2), 2, (c) => [c.text(), c.int4()])).toThrow(/ended early/);
    expect(() => readAll(bytes, 3, (c) => [c.text(), c.int4()])).toThrow(/fields/);
    expect(() => readAll(bytes, 2, (c) => [c.oneOf(['SHORT'] as const), c.int4()])).toThrow(/not one of SHORT: LONG/);
  });
});
