// Legs and signal updates against real PostgreSQL: multi-leg closes, exactly-once legs (one
// connection and two), closed trades refusing more, update idempotency and CONFLICT, and the
// migration applied to a database that already holds trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, openTestStore, type TestStore } from '../helpers/db.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { PgTradeStore } from '../../server/persistence/trade-store.ts';
import { LedgerWriter } from '../../server/persistence/ledger-append.ts';
import { SqlRunner, batchTransaction } from '../../server/persistence/sql-runner.ts';
import { verifyLedger } from '../../server/persistence/ledger-reads.ts';
import { TradeLegWriter, type LegInput, type LegKind } from '../../server/persistence/trade-legs.ts';
import type { SignalTerms } from '../../server/persistence/signal-updates.ts';
import type { TradeRow } from '../../server/persistence/rows.ts';
import { ConflictError, ValidationError } from '../../server/errors.ts';
import { legMoney, splitQuantity, sumMoney, tradeTotals } from '../../shared/leg-math.ts';
import { longSignal } from './fixtures.ts';
import { closeOf, record } from '../ledger/ledger-helpers.ts';

const FEE = 0.001;
const T = Date.UTC(2026, 5, 1);

function writerOn(orm: MikroORM): TradeLegWriter {
  return new TradeLegWriter(new LedgerWriter((work, finalSql) => batchTransaction(orm, work, finalSql)), new SqlRunner(orm), FEE);
}

function leg(t: TradeRow, kind: LegKind, price: number, quantity: number, atS = 60): LegInput {
  return { kind, price, quantity, time: new Date(T + atS * 1000), ...legMoney(t, quantity, price, FEE) };
}

let t: TestStore;
let w: TradeLegWriter;
let db: SqlRunner;
beforeAll(async () => {
  t = await openTestStore({ feeRate: FEE });
  w = writerOn(t.orm);
  db = new SqlRunner(t.orm);
});
afterAll(async () => {
  await t?.close();
});

async function openTrade(over: Parameters<typeof longSignal>[0] = {}): Promise<TradeRow> {
  const r = await t.store.ingestSignal(longSignal({ tp: 53_000, ...over }), { positionSize: 100, now: new Date(T) });
  return r.trade!;
}
const tradeRow = async (id: number) => (await db.query('select * from paper_trades where id = ?', [id]))[0]!;
const legCount = async (id: number) => Number((await db.query('select count(*)::int as n from paper_trade_legs where trade_id = ?', [id]))[0]!.n);
const ledgerLegs = async (id: number) =>
  Number((await db.query(`select count(*)::int as n from ledger where kind = 'trade_leg' and trade_id = ?`, [id]))[0]!.n);

describe('appendLegs', () => {
  it('closes a trade in three legs: its fees and P/L are the sums of its legs, and the ledger verifies', async () => {
    const tr = await openTrade();
    const [q1, q2, q3] = splitQuantity(tr.quantity, [0.5, 0.3, 0.2]) as [number, number, number];
    const first = await w.appendLegs(tr.id, [leg(tr, 'TP1', 51_000, q1)], { stopLoss: tr.entryPrice });
    expect(first).toMatchObject({ closed: false, duplicates: [], remainingQuantity: sumMoney([q2, q3]) });
    let row = await tradeRow(tr.id);
    expect(row).toMatchObject({ status: 'OPEN', exit_reason: 'TP1' });
    expect(Number(row.stop_loss)).toBe(tr.entryPrice);
    expect(Number(row.realized_profit_loss)).toBe(first.written[0]!.profitLoss);

    const legs = [leg(tr, 'TP2', 52_000, q2, 120), leg(tr, 'TP3', 53_000, q3, 120)];
    const second = await w.appendLegs(tr.id, legs, { stopLoss: 51_000, remainingQuantity: 0 });
    expect(second.closed).toBe(true);
    expect(second.written.map((l) => [l.seq, l.kind])).toEqual([
      [2, 'TP2'],
      [3, 'TP3'],
    ]);
    const all = (await w.legsOf([tr.id])).get(tr.id)!;
    expect(all.map((l) => l.kind)).toEqual(['TP1', 'TP2', 'TP3']);
    const want = tradeTotals(all, tr.positionSize);
    row = await tradeRow(tr.id);
    expect(row).toMatchObject({ status: 'CLOSED_TP', exit_reason: 'TP3' });
    expect([Number(row.fees), Number(row.profit_loss), Number(row.profit_loss_percentage), Number(row.exit_price)]).toEqual([
      want.fees,
      want.profitLoss,
      want.profitLossPercentage,
      53_000,
    ]);
    expect(Number(row.remaining_quantity)).toBe(0);
    expect(Number(row.realized_profit_loss)).toBe(want.profitLoss);
    expect(await verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('a stop after a target closes CLOSED_SL', async () => {
    const tr = await openTrade();
    const [q1, q2] = splitQuantity(tr.quantity, [0.5, 0.5]) as [number, number];
    await w.appendLegs(tr.id, [leg(tr, 'TP1', 51_000, q1)], { stopLoss: tr.entryPrice });
    const r = await w.appendLegs(tr.id, [leg(tr, 'SL', tr.entryPrice - 10, q2, 90)], { stopLoss: tr.entryPrice, priceGap: true });
    expect(r.closed).toBe(true);
    expect(await tradeRow(tr.id)).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'SL', price_gap: true });
    expect(await verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('the same leg written twice, one after the other, is stored once and reported as a duplicate', async () => {
    const tr = await openTrade();
    const l = leg(tr, 'TP1', 51_000, tr.quantity / 2);
    const a = await w.appendLegs(tr.id, [l], { stopLoss: tr.stopLoss });
    const b = await w.appendLegs(tr.id, [{ ...l, time: new Date(T + 999_000) }], { stopLoss: 1 });
    expect(a.written).toHaveLength(1);
    expect(b).toMatchObject({ written: [], closed: false });
    expect(b.duplicates).toEqual(a.written);
    expect(await legCount(tr.id)).toBe(1);
    expect(await ledgerLegs(tr.id)).toBe(1);
    expect(Number((await tradeRow(tr.id)).stop_loss)).toBe(tr.stopLoss); // the duplicate wrote nothing
  });

  it('the same closing leg from two connections at once is stored once; the trade closes once', async () => {
    const orm2 = await initOrm(t.db.url);
    try {
      const w2 = writerOn(orm2);
      for (let round = 0; round < 5; round++) {
        const tr = await openTrade();
        const l = leg(tr, 'MANUAL', 50_500, tr.quantity);
        const results = await Promise.all([w.appendLegs(tr.id, [l], { stopLoss: tr.stopLoss }), w2.appendLegs(tr.id, [l], { stopLoss: tr.stopLoss })]);
        expect(results.map((r) => r.written.length).sort()).toEqual([0, 1]);
        expect(results.map((r) => r.closed).sort()).toEqual([false, true]);
        expect(await legCount(tr.id)).toBe(1);
        expect(await ledgerLegs(tr.id)).toBe(1);
        const closes = await db.query(`select count(*)::int as n from ledger where kind = 'trade_closed' and trade_id = ?`, [tr.id]);
        expect(closes[0]!.n).toBe(1);
      }
      expect(await verifyLedger(db)).toMatchObject({ ok: true });
    } finally {
      await orm2.close(true);
    }
  });

  it('a closed trade refuses a further leg with CONFLICT, yet a resent closing leg is a duplicate', async () => {
    const tr = await openTrade();
    const closing = leg(tr, 'EXPIRED', 50_100, tr.quantity);
    await w.appendLegs(tr.id, [closing], { stopLoss: tr.stopLoss });
    await expect(w.appendLegs(tr.id, [leg(tr, 'MANUAL', 50_200, 0)], { stopLoss: tr.stopLoss })).rejects.toBeInstanceOf(ConflictError);
    expect(await w.appendLegs(tr.id, [closing], { stopLoss: tr.stopLoss })).toMatchObject({ written: [], closed: false });

    const other = await openTrade();
    expect(await t.store.closeTrade(closeOf(other, 'CLOSED_MANUAL', 50_300, new Date(T + 5000)))).toBe(true);
    await expect(w.appendLegs(other.id, [leg(other, 'TP1', 51_000, other.quantity / 2)], { stopLoss: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect(await legCount(other.id)).toBe(0);
  });

  it("a user trade's legs and close stay out of the ledger", async () => {
    const [user] = await db.query(`insert into users (username, password_hash) values ('legs-user', 'x') returning id`);
    const [row] = await db.query(
      `insert into paper_trades (id, user_id, symbol, direction, market_type, timeframe, confidence, leverage,
         entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status)
       values (nextval('user_trade_id_seq'), ?, 'ETHUSDT', 'SHORT', 'SPOT', '1h', 0.5, 1, 100, now(), 100, 1, 90, 110, 'OPEN') returning id`,
      [user!.id],
    );
    const id = Number(row!.id);
    const terms = { direction: 'SHORT' as const, entryPrice: 100 };
    const fill = (kind: LegKind, price: number, q: number): LegInput => ({ kind, price, quantity: q, time: new Date(T), ...legMoney(terms, q, price, FEE) });
    const before = await db.query('select count(*)::int as n from ledger');
    const r = await w.appendLegs(id, [fill('TP1', 95, 0.5), fill('TRAILING', 97, 0.5)], { stopLoss: 100, trailingBestPrice: 94 });
    expect(r.closed).toBe(true);
    expect(await tradeRow(id)).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'TRAILING', trailing_best_price: '94.00000000' });
    expect(await db.query('select count(*)::int as n from ledger')).toEqual(before);
    expect(await verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('refuses legs with the wrong money, overfilling or bad input, writing nothing', async () => {
    const tr = await openTrade();
    const bad: [LegInput[], RegExp][] = [
      [[{ ...leg(tr, 'TP1', 51_000, tr.quantity / 2), fees: 0 }], /fees/],
      [[leg(tr, 'TP1', 51_000, tr.quantity), leg(tr, 'TP2', 52_000, tr.quantity)], /more than the quantity/],
      [[leg(tr, 'TP1', -1, tr.quantity)], /price/],
      [[{ ...leg(tr, 'TP1', 51_000, 0), kind: 'TP11' as LegKind }], /kind/],
      [[leg(tr, 'TP1', 51_000, 0), leg(tr, 'TP1', 51_000, 0)], /twice/],
      [[], /at least one/],
    ];
    for (const [legs, msg] of bad) {
      const err = await w.appendLegs(tr.id, legs, { stopLoss: tr.stopLoss }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).detail).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(msg), field: expect.any(String) });
    }
    const wrongState = await w.appendLegs(tr.id, [leg(tr, 'TP1', 51_000, tr.quantity / 2)], { stopLoss: 1, remainingQuantity: 0 }).catch((e: unknown) => e);
    expect((wrongState as ValidationError).detail.field).toBe('remaining_quantity');
    expect(await legCount(tr.id)).toBe(0);
    expect(await tradeRow(tr.id)).toMatchObject({ status: 'OPEN', realized_profit_loss: '0.00000000' });
  });
});

const terms = (over: Partial<SignalTerms> = {}): SignalTerms => ({
  takeProfit: 53_000,
  stopLoss: 49_500,
  targets: [
    { level: 51_000, share: 0.5 },
    { level: 53_000, share: 0.5 },
  ],
  slMode: 'breakeven',
  trailingCallbackRate: 0.01,
  trailingActivationPrice: 51_500,
  ...over,
});

describe('recordSignalUpdate', () => {
  it('applies the terms once per update_id: a resend returns the first result and writes nothing', async () => {
    const tr = await openTrade();
    const first = await w.recordSignalUpdate(tr.signalId!, 'u-1', { sl: 49_500 }, terms(), new Date(T + 1000));
    expect(first).toMatchObject({ duplicate: false, tradeId: tr.id, terms: terms() });
    const again = await w.recordSignalUpdate(tr.signalId!, 'u-1', { sl: 40_000 }, terms({ stopLoss: 40_000 }), new Date(T + 2000));
    expect(again).toMatchObject({ duplicate: true, terms: terms(), at: first.at });
    const row = await tradeRow(tr.id);
    expect(row).toMatchObject({ sl_mode: 'breakeven', targets: terms().targets });
    expect([Number(row.stop_loss), Number(row.initial_stop_loss), Number(row.take_profit), Number(row.trailing_callback_rate)]).toEqual([
      49_500,
      tr.stopLoss,
      53_000,
      0.01,
    ]);
    const stored = await db.query('select count(*)::int as n from signal_updates where signal_id = ?', [tr.signalId]);
    expect(stored[0]!.n).toBe(1);
    // Without an update_id every call is a new update; initial_stop_loss keeps the signal's stop.
    await w.recordSignalUpdate(tr.signalId!, null, { sl: 49_600 }, terms({ stopLoss: 49_600 }), new Date(T + 3000));
    expect(Number((await tradeRow(tr.id)).initial_stop_loss)).toBe(tr.stopLoss);
    expect(await verifyLedger(db)).toMatchObject({ ok: true });
  });

  it('a resend from two connections at once stores one update', async () => {
    const orm2 = await initOrm(t.db.url);
    try {
      const tr = await openTrade();
      const rs = await Promise.all([
        w.recordSignalUpdate(tr.signalId!, 'race', {}, terms(), new Date(T)),
        writerOn(orm2).recordSignalUpdate(tr.signalId!, 'race', {}, terms(), new Date(T)),
      ]);
      expect(rs.map((r) => r.duplicate).sort()).toEqual([false, true]);
      const n = await db.query(`select count(*)::int as n from ledger where kind = 'signal_updated' and trade_id = ?`, [tr.id]);
      expect(n[0]!.n).toBe(1);
    } finally {
      await orm2.close(true);
    }
  });

  it('a closed trade refuses a new update with CONFLICT; an applied update_id still returns its result', async () => {
    const tr = await openTrade();
    await w.recordSignalUpdate(tr.signalId!, 'before', {}, terms(), new Date(T));
    await w.appendLegs(tr.id, [leg(tr, 'MANUAL', 50_400, tr.quantity)], { stopLoss: 49_500 });
    await expect(w.recordSignalUpdate(tr.signalId!, 'after', {}, terms(), new Date(T))).rejects.toBeInstanceOf(ConflictError);
    expect(await w.recordSignalUpdate(tr.signalId!, 'before', {}, terms(), new Date(T))).toMatchObject({ duplicate: true });
    await expect(w.recordSignalUpdate(987_654_321, 'x', {}, terms(), new Date(T))).rejects.toThrow(/not found/);
  });

  it('refuses bad terms naming the field, writing nothing', async () => {
    const tr = await openTrade();
    const cases: [SignalTerms, string][] = [
      [terms({ stopLoss: -1 }), 'sl'],
      [terms({ takeProfit: 52_000 }), 'tp'],
      [terms({ targets: [{ level: 53_000, share: 0.7 }] }), 'tp_allocation'],
      [terms({ trailingCallbackRate: 0.5 }), 'trailing_stop'],
      [terms({ slMode: 'sideways' as SignalTerms['slMode'] }), 'sl_mode'],
    ];
    for (const [bad, field] of cases) {
      const err = await w.recordSignalUpdate(tr.signalId!, null, {}, bad, new Date(T)).catch((e: unknown) => e);
      expect((err as ValidationError).detail).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    expect(await tradeRow(tr.id)).toMatchObject({ sl_mode: 'fixed', targets: null });
  });
});

describe('migration on a database holding trades', () => {
  it('adds the tables and columns; old rows stay valid, verify, and take legs', async () => {
    const tdb = await createTestDatabase();
    const orm = await initOrm(tdb.url, { migrate: false });
    try {
      // Trades written by today's store, then the schema taken back to before this migration (its
      // down drops the new tables and columns), then migrated again: rows as an older server left them.
      await orm.getMigrator().up();
      const store = new PgTradeStore(orm, { feeRate: FEE });
      const trades = await record(store, 8);
      await store.flush();
      await orm.getMigrator().down({ to: 'Migration20261201000000UserTradeIds' });
      await orm.getMigrator().up();
      const runner = new SqlRunner(orm);
      const rows = await runner.query('select id, status, sl_mode, realized_profit_loss, remaining_quantity, targets from paper_trades order by id');
      expect(rows).toHaveLength(8);
      for (const r of rows) expect(r).toMatchObject({ sl_mode: 'fixed', realized_profit_loss: '0.00000000', remaining_quantity: null, targets: null });
      expect(await verifyLedger(runner)).toMatchObject({ ok: true, trades: 8 });

      const open = trades.find((tr) => rows.find((r) => Number(r.id) === tr.id)!.status === 'OPEN')!;
      const w3 = writerOn(orm);
      const [q1, q2] = splitQuantity(open.quantity, [0.5, 0.5]) as [number, number];
      const price = open.direction === 'LONG' ? open.entryPrice * 1.01 : open.entryPrice * 0.99;
      await w3.appendLegs(open.id, [{ kind: 'TP1', price, quantity: q1, time: new Date(T), ...legMoney(open, q1, price, FEE) }], { stopLoss: open.stopLoss });
      await w3.appendLegs(open.id, [{ kind: 'MANUAL', price, quantity: q2, time: new Date(T + 1), ...legMoney(open, q2, price, FEE) }], {
        stopLoss: open.stopLoss,
      });
      expect(await verifyLedger(runner)).toMatchObject({ ok: true, trades: 8 });
    } finally {
      await orm.close(true);
      await tdb.drop();
    }
  });
});
