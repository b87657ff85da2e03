// Strings PostgreSQL stores differently from how JavaScript holds them (lone UTF-16 surrogates
// become U+FFFD) are recorded as stored: the ingest still succeeds and the record verifies.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { verifyLedger } from '../../server/persistence/ledger-reads.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { longSignal } from '../persistence/fixtures.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(async () => {
  await t?.close();
});

it('records a signal whose external_id and source hold lone surrogates and odd unicode', async () => {
  for (const id of ['a\ud800b', '\udc00', 'ok\u202e\u{1F600}', 'x\\"y']) {
    const r = await t.store.ingestSignal(longSignal({ external_id: id, source: `bot\ud83d` }), { positionSize: 100, now: new Date() });
    expect(r.trade).not.toBeNull();
  }
  expect(await verifyLedger(new SqlRunner(t.orm))).toMatchObject({ ok: true, trades: 4 });
});

it('stores quotes, backslashes and SQL-looking text exactly (batch values travel as one inlined JSON literal)', async () => {
  const ids = [`it's`, `a\\'b`, `\\\\`, `'); drop table signals; --`, `$$x$$`, `E'\\x00'`, `\\u0041`];
  const results = await Promise.all(
    ids.map((id) => t.store.ingestSignal(longSignal({ external_id: id, source: `q'\\bot` }), { positionSize: 100, now: new Date() })),
  );
  expect(results.map((r) => r.signal.externalId)).toEqual(ids);
  const rows = await new SqlRunner(t.orm).query(`select external_id, source from signals where source = ? order by id`, [`q'\\bot`]);
  expect(rows.map((r) => r.external_id).sort()).toEqual([...ids].sort());
  expect(await verifyLedger(new SqlRunner(t.orm))).toMatchObject({ ok: true });
});
