// Legs and signal updates in the ledger: a record mixing old single closes, legged closes and
// updates verifies; a tampered leg (its row, its event with the chain rebuilt, or the trade's
// realized P/L or stop) is caught (tampering inside rolled-back transactions, so cases stay independent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { forEachLedgerRecord, verifyLedger } from '../../server/persistence/ledger-reads.ts';
import { LedgerWriter } from '../../server/persistence/ledger-append.ts';
import { SqlRunner, batchTransaction } from '../../server/persistence/sql-runner.ts';
import { TradeLegWriter } from '../../server/persistence/trade-legs.ts';
import { LedgerVerifier } from '../../server/ledger/ledger-verifier.ts';
import { ledgerHash, type LedgerRecord } from '../../server/ledger/ledger-chain.ts';
import type { TradeRow } from '../../server/persistence/rows.ts';
import { legMoney, splitQuantity } from '../../shared/leg-math.ts';
import { FEE, inRolledBack, record } from './ledger-helpers.ts';
import { longSignal } from '../persistence/fixtures.ts';

const T = Date.UTC(2026, 6, 1);
let t: TestStore;
let legged: TradeRow;
let partial: TradeRow;

beforeAll(async () => {
  t = await openTestStore({ feeRate: FEE });
  await record(t.store, 10);
  const w = new TradeLegWriter(new LedgerWriter((work, fin) => batchTransaction(t.orm, work, fin)), new SqlRunner(t.orm), FEE);
  const open = async () => (await t.store.ingestSignal(longSignal({ tp: 53_000 }), { positionSize: 100, now: new Date(T) })).trade!;
  const fill = (tr: TradeRow, kind: 'TP1' | 'TP2' | 'SL', price: number, q: number, s: number) => ({
    kind,
    price,
    quantity: q,
    time: new Date(T + s * 1000),
    ...legMoney(tr, q, price, FEE),
  });
  legged = await open();
  const [a, b] = splitQuantity(legged.quantity, [0.6, 0.4]) as [number, number];
  const terms = {
    takeProfit: 53_000,
    stopLoss: 49_200,
    targets: [
      { level: 51_000, share: 0.6 },
      { level: 53_000, share: 0.4 },
    ],
    slMode: 'breakeven' as const,
    trailingCallbackRate: null,
    trailingActivationPrice: null,
  };
  await w.recordSignalUpdate(legged.signalId!, 'u1', { sl: 49_200, tp: [51_000, 53_000], tp_allocation: [0.6, 0.4] }, terms, new Date(T + 1000));
  await w.appendLegs(legged.id, [fill(legged, 'TP1', 51_000, a, 10)], { stopLoss: legged.entryPrice });
  await w.appendLegs(legged.id, [fill(legged, 'SL', legged.entryPrice - 5, b, 20)], { stopLoss: legged.entryPrice });
  partial = await open();
  await w.appendLegs(partial.id, [fill(partial, 'TP1', 51_000, partial.quantity / 2, 30)], { stopLoss: partial.entryPrice });
});
afterAll(async () => {
  await t?.close();
});

const tampered = (sql: string, bindings: unknown[] = []) => inRolledBack(t, async (db) => (await db.query(sql, bindings), verifyLedger(db)));

/** The ledger as read, with `edit` applied to the first matching row and every hash from it recomputed. */
async function rebuiltChain(match: (r: LedgerRecord) => boolean, edit: (r: LedgerRecord) => void): Promise<LedgerRecord[]> {
  const rows: LedgerRecord[] = [];
  await forEachLedgerRecord(new SqlRunner(t.orm), (r) => void rows.push(r));
  const i = rows.findIndex(match);
  expect(i).toBeGreaterThanOrEqual(0);
  edit(rows[i]!);
  for (let j = i; j < rows.length; j++) {
    const r = rows[j]!;
    if (j > 0) r.prev_hash = rows[j - 1]!.hash;
    r.hash = ledgerHash(r.prev_hash, r.kind, r.trade_id, r.event, r.at);
  }
  return rows;
}

describe('leg and update events', () => {
  it('a record of single closes, legged closes and updates verifies', async () => {
    const r = await verifyLedger(new SqlRunner(t.orm));
    expect(r).toMatchObject({ ok: true, trades: 12 });
    const kinds = await new SqlRunner(t.orm).query(`select kind, count(*)::int as n from ledger where trade_id = ? group by kind order by kind`, [legged.id]);
    expect(kinds).toEqual([
      { kind: 'signal_received', n: 1 },
      { kind: 'signal_updated', n: 1 },
      { kind: 'trade_closed', n: 1 },
      { kind: 'trade_leg', n: 2 },
      { kind: 'trade_opened', n: 1 },
    ]);
  });

  const cases: [string, string, RegExp][] = [
    ['edited leg price', `update paper_trade_legs set price = price + 1 where trade_id = $ID and seq = 1`, /leg 1 \(TP1\) differs from the ledger/],
    ['edited leg P/L', `update paper_trade_legs set profit_loss = profit_loss + 0.01 where trade_id = $ID and seq = 2`, /leg 2 \(SL\) differs/],
    ['deleted leg', `delete from paper_trade_legs where trade_id = $ID and seq = 2`, /1 stored legs, the ledger has 2/],
    ['edited realized P/L', `update paper_trades set realized_profit_loss = realized_profit_loss + 1 where id = $ID`, /realized_profit_loss/],
    ['edited stop after an update', `update paper_trades set stop_loss = 40000 where id = $ID`, /stop_loss is 40000/],
    ['edited leg event', `update ledger set event = jsonb_set(event, '{price}', '51001') where kind = 'trade_leg' and trade_id = $ID`, /hash/],
  ];
  for (const [name, sql, reason] of cases) {
    it(`catches: ${name}`, async () => {
      const r = await tampered(sql.replaceAll('$ID', String(name.includes('realized') ? partial.id : legged.id)));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    });
  }

  it('recomputes every leg: a leg price rewritten with the chain rebuilt is refused', async () => {
    const rows = await rebuiltChain(
      (r) => r.kind === 'trade_leg' && r.trade_id === legged.id,
      (r) => void (r.event.price = 51_500),
    );
    const v = new LedgerVerifier();
    for (const r of rows) v.push(r);
    expect(v.result()).toMatchObject({ ok: false, reason: expect.stringMatching(/TP1: P\/L .* differs from recomputed/) });
  });

  it('refuses a legged close whose P/L is not the sum of its legs (chain rebuilt)', async () => {
    const rows = await rebuiltChain(
      (r) => r.kind === 'trade_closed' && r.trade_id === legged.id,
      (r) => void (r.event.profit_loss = (r.event.profit_loss as number) + 1),
    );
    const v = new LedgerVerifier();
    for (const r of rows) v.push(r);
    expect(v.result()).toMatchObject({ ok: false, reason: expect.stringMatching(/sum of the legs/) });
  });

  it('refuses a leg kind recorded twice for one trade (chain rebuilt)', async () => {
    const rows = await rebuiltChain(
      (r) => r.kind === 'trade_leg' && r.trade_id === legged.id && r.event.seq === 2,
      (r) => void ((r.event.leg = 'TP1'), (r.event.seq = 2)),
    );
    const v = new LedgerVerifier();
    for (const r of rows) v.push(r);
    expect(v.result()).toMatchObject({ ok: false, reason: expect.stringMatching(/recorded twice/) });
  });
});
