// Signal ingest: one transaction per batch, idempotent by (source, external_id), group commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knex } from '@mikro-orm/knex';
import { quantityFor } from '../../shared/trade-math.ts';
import { PgTradeStore } from '../../server/persistence/trade-store.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { INGEST, T0, longSignal } from './fixtures.ts';

let t: TestStore;
/** A second, independent connection: sees only committed rows. */
let other: ReturnType<typeof knex>;

beforeAll(async () => {
  t = await openTestStore();
  other = knex({ client: 'pg', connection: t.db.url, pool: { min: 1, max: 4 } });
});
afterAll(async () => {
  await other?.destroy();
  await t?.close();
});

const count = async (sql: string, params: unknown[] = []) => Number(((await other.raw(sql, params as never[])) as { rows: { n: string }[] }).rows[0]!.n);

describe('ingestSignal', () => {
  it('writes the signal (EXECUTED) and its OPEN system trade', async () => {
    const p = longSignal({ symbol: 'ETHUSDT', entry: 3000.5, tp: 3100, sl: 2900, market_type: 'FUTURES', leverage: 5, confidence: 0.75, timeframe: '4h' });
    const r = await t.store.ingestSignal(p, { positionSize: 250, now: T0 });
    expect(r.duplicate).toBe(false);
    expect(r.signal).toMatchObject({ externalId: p.external_id, source: 'test-bot', status: 'EXECUTED', entry: 3000.5, leverage: 5 });
    expect(r.trade).toMatchObject({
      signalId: r.signal.id,
      userId: null,
      symbol: 'ETHUSDT',
      direction: 'LONG',
      marketType: 'FUTURES',
      timeframe: '4h',
      confidence: 0.75,
      leverage: 5,
      entryPrice: 3000.5,
      positionSize: 250,
      quantity: quantityFor(250, 5, 3000.5),
      takeProfit: 3100,
      stopLoss: 2900,
      status: 'OPEN',
      exitPrice: null,
      priceGap: false,
      version: 1,
    });
    expect(r.trade!.entryTime.toISOString()).toBe(T0.toISOString());
    // What was committed is what came back.
    const again = await t.store.getTrade(r.trade!.id);
    expect(again).toEqual(r.trade);
    expect(again!.quantity).toBe(0.41659723); // 250 × 5 / 3000.5, 8 decimals
  });

  it('signal and trade commit together: a failing trade insert leaves no signal behind', async () => {
    // position_size 1e23 overflows NUMERIC(30,8): the trade insert fails after the signal insert.
    const p = longSignal();
    await expect(t.store.ingestSignal(p, { positionSize: 1e23, now: T0 })).rejects.toMatchObject({ code: '22003' });
    expect(await count(`select count(*) as n from signals where external_id = ?`, [p.external_id])).toBe(0);
  });

  it('one bad row does not fail the other ingests of its batch', async () => {
    const good = Array.from({ length: 5 }, () => longSignal());
    const bad = longSignal();
    const settled = await Promise.allSettled([...good.map((p) => t.store.ingestSignal(p, INGEST)), t.store.ingestSignal(bad, { positionSize: 1e23, now: T0 })]);
    expect(settled.map((s) => s.status)).toEqual([...good.map(() => 'fulfilled'), 'rejected']);
  });

  it('refuses a non-finite position size before touching the database', async () => {
    await expect(t.store.ingestSignal(longSignal(), { positionSize: Number.NaN, now: T0 })).rejects.toThrow(RangeError);
  });

  it('a resend returns the stored signal and trade with duplicate: true', async () => {
    const p = longSignal();
    const first = await t.store.ingestSignal(p, INGEST);
    const second = await t.store.ingestSignal({ ...p, entry: 1 }, { positionSize: 999, now: new Date() });
    expect(second.duplicate).toBe(true);
    expect(second.signal).toEqual(first.signal);
    expect(second.trade).toEqual(first.trade);
  });

  it('signals without external_id are never deduplicated', async () => {
    const { external_id: _omit, ...p } = longSignal();
    const [a, b] = await Promise.all([t.store.ingestSignal(p, INGEST), t.store.ingestSignal(p, INGEST)]);
    expect(a.signal.id).not.toBe(b.signal.id);
    expect(a.trade!.id).not.toBe(b.trade!.id);
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
  });

  it('50 concurrent resends of one external_id: one signal, one trade, 49 duplicates', async () => {
    const p = longSignal({ external_id: 'same-id-50' });
    const results = await Promise.all(Array.from({ length: 50 }, () => t.store.ingestSignal({ ...p }, INGEST)));
    expect(new Set(results.map((r) => r.signal.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.trade?.id)).size).toBe(1);
    expect(results.filter((r) => r.duplicate)).toHaveLength(49);
    expect(await count(`select count(*) as n from signals where external_id = 'same-id-50'`)).toBe(1);
    expect(await count(`select count(*) as n from paper_trades where signal_id = ?`, [results[0]!.signal.id])).toBe(1);
  });

  it('concurrent resends through two stores (two processes) never create a second row', async () => {
    const second = new PgTradeStore(t.orm);
    const p = longSignal({ external_id: 'two-stores' });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? second : t.store).ingestSignal({ ...p }, INGEST)));
    expect(new Set(results.map((r) => r.trade?.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await count(`select count(*) as n from signals where external_id = 'two-stores'`)).toBe(1);
  });

  it('group commit: 200 concurrent ingests use far fewer than 200 transactions', async () => {
    const before = t.store.stats.ingestBatches;
    const results = await Promise.all(Array.from({ length: 200 }, () => t.store.ingestSignal(longSignal(), INGEST)));
    const batches = t.store.stats.ingestBatches - before;
    expect(results.every((r) => !r.duplicate && r.trade !== null)).toBe(true);
    expect(new Set(results.map((r) => r.trade!.id)).size).toBe(200);
    expect(batches).toBeLessThanOrEqual(10);
  });

  it('no promise resolves before its rows are visible from another connection', async () => {
    const invisible: number[] = [];
    const checks: Promise<void>[] = [];
    await Promise.all(
      Array.from({ length: 200 }, () =>
        t.store.ingestSignal(longSignal(), INGEST).then((r) => {
          // Checked at the moment of resolution, on a separate connection.
          checks.push(
            count(`select count(*) as n from paper_trades t join signals s on s.id = t.signal_id where t.id = ?`, [r.trade!.id]).then((n) => {
              if (n !== 1) invisible.push(r.trade!.id);
            }),
          );
        }),
      ),
    );
    await Promise.all(checks);
    expect(invisible).toEqual([]);
  });
});
