// Guarded closes (exactly once, also across stores) and keyset-paged hydration of open trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTradeStore } from '../../server/persistence/trade-store.ts';
import type { TradeRow } from '../../server/persistence/rows.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { closeOf, INGEST, longSignal } from './fixtures.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(async () => {
  await t?.close();
});

async function openTrade(): Promise<TradeRow> {
  return (await t.store.ingestSignal(longSignal(), INGEST)).trade!;
}

describe('closeTrade', () => {
  it('stores the exit and bumps the version', async () => {
    const trade = await openTrade();
    expect(await t.store.closeTrade(closeOf(trade.id, { priceGap: true }))).toBe(true);
    expect(await t.store.getTrade(trade.id)).toMatchObject({
      status: 'CLOSED_TP',
      exitPrice: 52_000,
      fees: 0.204,
      profitLoss: 3.796,
      profitLossPercentage: 3.796,
      priceGap: true,
      version: 2,
    });
  });

  it('two concurrent closes of one trade: exactly one true', async () => {
    const trade = await openTrade();
    const results = await Promise.all([
      t.store.closeTrade(closeOf(trade.id)),
      t.store.closeTrade(closeOf(trade.id, { status: 'CLOSED_SL', exitPrice: 48_000 })),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await t.store.getTrade(trade.id))!.status).toBe('CLOSED_TP');
  });

  it('closing a closed trade returns false and changes nothing', async () => {
    const trade = await openTrade();
    await t.store.closeTrade(closeOf(trade.id));
    expect(await t.store.closeTrade(closeOf(trade.id, { status: 'CLOSED_MANUAL', exitPrice: 1 }))).toBe(false);
    expect(await t.store.getTrade(trade.id)).toMatchObject({ status: 'CLOSED_TP', exitPrice: 52_000, version: 2 });
  });

  it('races across two stores (two processes) still close once', async () => {
    const other = new PgTradeStore(t.orm);
    const trades = await Promise.all(Array.from({ length: 30 }, openTrade));
    const results = await Promise.all(trades.flatMap((tr) => [t.store.closeTrade(closeOf(tr.id)), other.closeTrade(closeOf(tr.id, { status: 'CLOSED_SL' }))]));
    for (let i = 0; i < trades.length; i++) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
  });

  it('batches concurrent closes and tells each caller its own result', async () => {
    const trades = await Promise.all(Array.from({ length: 100 }, openTrade));
    await t.store.closeTrade(closeOf(trades[0]!.id));
    const before = t.store.stats.closeBatches;
    const results = await Promise.all(trades.map((tr) => t.store.closeTrade(closeOf(tr.id))));
    expect(results[0]).toBe(false);
    expect(results.slice(1).every(Boolean)).toBe(true);
    expect(t.store.stats.closeBatches - before).toBeLessThan(10);
  });
});

describe('hydrateOpenTrades', () => {
  it('streams 25,000 open trades (system and user) in batches and skips closed ones', async () => {
    const q = (sql: string, params: unknown[] = []) =>
      t.orm.em
        .getConnection()
        .getKnex()
        .raw(sql, params as never[]);
    await q(`truncate paper_trades, signals restart identity cascade`);
    const [user] = (
      (await q(`insert into users (username, password_hash) values ('hydra', 'x') returning id`)) as {
        rows: { id: string }[];
      }
    ).rows;
    // 25,000 open (every 10th a user trade, every 7th PENDING) and 5,000 closed, interleaved.
    await q(
      `insert into paper_trades (user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price,
         entry_time, position_size, quantity, take_profit, stop_loss, status)
       select case when g % 10 = 0 then ?::bigint end, 'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 100 + g, now(), 100,
         1, 200 + g, 50, case when g % 6 = 0 then 'CLOSED_SL' when g % 7 = 0 then 'PENDING' else 'OPEN' end
       from generate_series(1, 30000) g`,
      [user!.id],
    );
    const expected = Number(((await q(`select count(*) as n from paper_trades where status in ('OPEN', 'PENDING')`)) as { rows: { n: string }[] }).rows[0]!.n);
    expect(expected).toBe(25_000);

    const seen: TradeRecord[] = [];
    let expectedCount = -1;
    // The store may reuse one fields object for every row (OpenTradeSink): keep copies.
    const n = await t.store.hydrateOpenTrades({ expect: (c) => (expectedCount = c), trade: (r) => seen.push({ ...r }) }, 4_000);
    expect(expectedCount).toBe(25_000);
    expect(n).toBe(25_000);
    expect(seen).toHaveLength(25_000);
    expect(new Set(seen.map((r) => r.id)).size).toBe(25_000);
    expect(seen.every((r) => r.status === 'OPEN' || r.status === 'PENDING')).toBe(true);
    expect(seen.filter((r) => r.userId !== null)).toHaveLength(2000); // g % 10 = 0 and not g % 6 = 0
    // ids ascend: keyset pages, no overlap.
    expect(seen.every((r, i) => i === 0 || r.id > seen[i - 1]!.id)).toBe(true);
    expect(seen[0]).toMatchObject({ entryPrice: 101, takeProfit: 201, stopLoss: 50, quantity: 1 });
  });
});
