// The ledger verifies a clean record and detects any edit, deletion or reordering of a ledger,
// signal or trade row (tampering runs inside a rolled-back transaction, so cases stay independent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { verifyLedger } from '../../server/persistence/ledger-reads.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { PgTradeStore } from '../../server/persistence/trade-store.ts';
import { closeOf, inRolledBack, record } from './ledger-helpers.ts';
import { longSignal } from '../persistence/fixtures.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore({ feeRate: 0.001 });
  await record(t.store, 40);
});
afterAll(async () => {
  await t?.close();
});

const tampered = (sql: string) => inRolledBack(t, async (db) => (await db.query(sql), verifyLedger(db)));

describe('ledger verification', () => {
  it('verifies a clean record: chain, recomputed P/L and rows agree', async () => {
    const r = await verifyLedger(new SqlRunner(t.orm));
    expect(r).toMatchObject({ ok: true, trades: 40 });
    // 40 signals + 40 opens + the closes
    if (r.ok) expect(r.events).toBeGreaterThan(80);
  });

  it('records system events only, with signals as received (canonical, sorted keys)', async () => {
    const rows = await new SqlRunner(t.orm).query(`select kind, event from ledger where kind = 'signal_received' order by seq limit 1`);
    expect(rows[0]!.event).toMatchObject({ signal: { source: 'test-bot', symbol: expect.any(String) }, signal_id: expect.any(Number) });
  });

  const cases: [string, string, RegExp][] = [
    [
      'edited ledger event',
      `update ledger set event = jsonb_set(event, '{profit_loss}', '999') where seq = (select min(seq) from ledger where kind = 'trade_closed')`,
      /hash/,
    ],
    ['edited ledger time', `update ledger set at = at + interval '1 second' where seq = 5`, /hash/],
    ['edited ledger kind', `update ledger set kind = 'trade_activated' where seq = 3`, /hash/],
    ['deleted ledger row', `delete from ledger where seq = 10`, /prev_hash/],
    ['deleted last ledger row', `delete from ledger where seq = (select max(seq) from ledger)`, /differs|no trade_opened|ledger/],
    [
      'reordered ledger rows',
      `update ledger set seq = -4 where seq = 4; update ledger set seq = 4 where seq = 6; update ledger set seq = 6 where seq = -4`,
      /prev_hash/,
    ],
    [
      'edited trade P/L',
      `update paper_trades set profit_loss = profit_loss + 1 where id = (select min(id) from paper_trades where exit_price is not null)`,
      /differs/,
    ],
    ['edited trade entry', `update paper_trades set entry_price = entry_price * 1.01 where id = 7`, /entry_price/],
    [
      'reopened trade',
      `update paper_trades set status = 'OPEN', exit_price = null where id = (select min(id) from paper_trades where exit_price is not null)`,
      /differs/,
    ],
    ['deleted trade row', `delete from paper_trades where id = 12`, /not among the system trades/],
    [
      'inserted trade row',
      `insert into paper_trades (symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status)
       values ('BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 1, now(), 100, 100, 2, 0.5, 'OPEN')`,
      /no trade_opened/,
    ],
    ['edited signal', `update signals set tp = tp + 1 where id = 3`, /signal 3: tp/],
    ['deleted signal', `delete from signals where id = 9`, /signal/],
  ];
  it.each(cases)('detects: %s', async (_name, sql, reason) => {
    const r = await tampered(sql);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('a forged row re-hashed by hand still fails against the recomputed P/L', async () => {
    // An attacker who edits a close and recomputes every later hash: the P/L check catches the lie.
    const r = await inRolledBack(t, async (db) => {
      const rows = await db.query(`select seq from ledger where kind = 'trade_closed' order by seq limit 1`);
      await db.query(`update ledger set event = jsonb_set(event, '{profit_loss}', '12345') where seq = ?`, [rows[0]!.seq]);
      await rehash(db);
      return verifyLedger(db);
    });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/recomputed/) });
  });

  it('concurrent batches from two stores append one unbroken chain', async () => {
    const other = new PgTradeStore(t.orm, { feeRate: 0.001 });
    const now = new Date(Date.UTC(2026, 1, 1));
    const ins = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? other : t.store).ingestSignal(longSignal(), { positionSize: 100, now })));
    await Promise.all(ins.slice(0, 60).map((r, i) => (i % 2 ? other : t.store).closeTrade(closeOf(r.trade!, 'CLOSED_TP', r.trade!.takeProfit, now))));
    // The same trade closed again elsewhere: not recorded twice.
    expect(await other.closeTrade(closeOf(ins[0]!.trade!, 'CLOSED_MANUAL', 50_100, now))).toBe(false);
    await other.flush();
    expect(await verifyLedger(new SqlRunner(t.orm))).toMatchObject({ ok: true, trades: 160 });
  });
});

async function rehash(db: import('../../server/persistence/ledger-reads.ts').LedgerDb): Promise<void> {
  const { forEachLedgerRecord } = await import('../../server/persistence/ledger-reads.ts');
  const { ledgerHash, GENESIS_HASH } = await import('../../server/ledger/ledger-chain.ts');
  const all: import('../../server/ledger/ledger-chain.ts').LedgerRecord[] = [];
  await forEachLedgerRecord(db, (r) => void all.push(r));
  let prev = GENESIS_HASH;
  for (const r of all) {
    const hash = ledgerHash(prev, r.kind, r.trade_id, r.event, r.at);
    await db.query('update ledger set prev_hash = ?, hash = ? where seq = ?', [prev, hash, r.seq]);
    prev = hash;
  }
}
