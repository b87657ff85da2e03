// Candles on real PostgreSQL: a restart mid-minute merges the two halves of the minute in any order
// (high greatest, low least, open of the earlier first tick, close of the later last tick), derived
// intervals aggregate the 1m rows, retention deletes by age, and the wall is the system-trade predicate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { PgCandleStore } from '../../server/persistence/candle-store.ts';
import { CandleBuilder } from '../../server/candles/candle-builder.ts';
import { CandleService } from '../../server/candles/candle-service.ts';
import { candleJson } from '../../server/candles/candle.ts';
import { INTERVAL_MS } from '../../shared/candles.ts';
import { createLogger } from '../../server/logger.ts';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const s = (sec: number) => T0 + sec * 1000;

let t: TestStore;
let store: PgCandleStore;
let db: SqlRunner;
const log = createLogger('silent');

beforeAll(async () => {
  t = await openTestStore();
  db = new SqlRunner(t.orm);
  store = new PgCandleStore(db);
});
afterAll(async () => t?.close());

describe('PgCandleStore', () => {
  it('merges a minute split by a restart, whichever half is written first', async () => {
    for (const order of ['before-after', 'after-before'] as const) {
      const key = order === 'before-after' ? 'AAAUSDT' : 'BBBUSDT';
      // First process: ticks at :05 and :20, shut down mid-minute (takeAll writes the open minute).
      const first = new CandleBuilder();
      first.tick(key, 100, s(5), s(5));
      first.tick(key, 120, s(20), s(20));
      const half1 = first.takeAll();
      // Second process: the rest of the minute.
      const second = new CandleBuilder();
      second.tick(key, 90, s(30), s(30));
      second.tick(key, 110, s(50), s(50));
      const half2 = second.takeClosed(s(63));
      if (order === 'before-after') {
        await store.upsert(half1);
        await store.upsert(half2);
      } else {
        await store.upsert(half2);
        await store.upsert(half1);
      }
      const [c] = await store.range(key, 'SPOT', INTERVAL_MS['1m'], T0, T0 + 60_000);
      expect(candleJson(c!)).toEqual({ start: T0, open: 100, high: 120, low: 90, close: 110, ticks: 4 });
    }
  });

  it('keeps exact decimals and tells markets apart', async () => {
    const b = new CandleBuilder();
    b.tick('PEPEUSDT', 0.00001234, s(1), s(1));
    b.tick('PEPEUSDT.P', 0.00001299, s(1), s(1));
    await store.upsert(b.takeAll());
    const [spot] = await store.range('PEPEUSDT', 'SPOT', INTERVAL_MS['1m'], T0, T0 + 60_000);
    const [fut] = await store.range('PEPEUSDT', 'FUTURES', INTERVAL_MS['1m'], T0, T0 + 60_000);
    expect(spot!.close).toBe(0.00001234);
    expect(fut!.close).toBe(0.00001299);
  });

  it('derives 5m and 1h candles from the 1m rows', async () => {
    const b = new CandleBuilder();
    // Minutes 0..9: open 1000+m, high +5, low -5, close +1.
    for (let m = 0; m < 10; m++) {
      b.tick('CCCUSDT', 1000 + m, s(m * 60 + 1), s(m * 60 + 1));
      b.tick('CCCUSDT', 1005 + m, s(m * 60 + 10), s(m * 60 + 10));
      b.tick('CCCUSDT', 995 + m, s(m * 60 + 20), s(m * 60 + 20));
      b.tick('CCCUSDT', 1001 + m, s(m * 60 + 30), s(m * 60 + 30));
    }
    await store.upsert(b.takeAll());
    const five = await store.range('CCCUSDT', 'SPOT', INTERVAL_MS['5m'], T0, T0 + 600_000);
    expect(five.map(candleJson)).toEqual([
      { start: T0, open: 1000, high: 1009, low: 995, close: 1005, ticks: 20 },
      { start: T0 + 300_000, open: 1005, high: 1014, low: 1000, close: 1010, ticks: 20 },
    ]);
    const hour = await store.range('CCCUSDT', 'SPOT', INTERVAL_MS['1h'], T0, T0 + 3_600_000);
    expect(hour.map(candleJson)).toEqual([{ start: T0, open: 1000, high: 1014, low: 995, close: 1010, ticks: 40 }]);
  });

  it('retention deletes 1m candles older than the cut-off, hourly at most', async () => {
    const b = new CandleBuilder({ maxAheadMs: Infinity });
    const old = T0 - 40 * 86_400_000;
    b.tick('DDDUSDT', 1, old, old);
    b.tick('DDDUSDT', 2, T0 - 86_400_000, T0);
    await store.upsert(b.takeAll());
    const service = new CandleService(store, { retentionDays: 35, log });
    await service.prune(T0);
    const left = await store.range('DDDUSDT', 'SPOT', INTERVAL_MS['1m'], old, T0);
    expect(left.map((c) => c.close)).toEqual([2]);
    await store.upsert([{ ...left[0]!, start: old }]);
    await service.prune(T0 + 1000); // not an hour later: nothing deleted
    expect(await store.range('DDDUSDT', 'SPOT', INTERVAL_MS['1m'], old, T0)).toHaveLength(2);
  });

  it('reads merge the minutes not yet flushed; a failed flush is retried', async () => {
    let fail = true;
    const flaky = Object.assign(Object.create(store) as PgCandleStore, {
      upsert: (c: Parameters<PgCandleStore['upsert']>[0]) => (fail ? Promise.reject(new Error('down')) : store.upsert(c)),
    });
    const closed: number[] = [];
    const service = new CandleService(flaky, { retentionDays: 35, log, onClosed: (cs) => closed.push(...cs.map((c) => c.start)) });
    service.tick('EEEUSDT', 10, s(1), s(1));
    service.tick('EEEUSDT', 11, s(61), s(61));
    await service.flush(s(62));
    expect(closed).toEqual([T0]);
    // Not in the database, still read (from memory), with the open minute.
    const read = await service.read('EEEUSDT', 'SPOT', INTERVAL_MS['5m'], T0, T0 + 300_000);
    expect(read.map(candleJson)).toEqual([{ start: T0, open: 10, high: 11, low: 10, close: 11, ticks: 2 }]);
    fail = false;
    await service.flush(s(63));
    expect(closed).toEqual([T0]); // a retried candle is not announced twice
    expect((await store.range('EEEUSDT', 'SPOT', INTERVAL_MS['1m'], T0, T0 + 60_000)).map((c) => c.close)).toEqual([10]);
    await service.close();
    expect((await store.range('EEEUSDT', 'SPOT', INTERVAL_MS['1m'], T0, T0 + 120_000)).map((c) => c.close)).toEqual([10, 11]);
  });

  it('the wall: only symbols a system trade holds or held', async () => {
    expect(await store.hasSystemTrades('ZECUSDT', 'SPOT')).toBe(false);
  });
});
