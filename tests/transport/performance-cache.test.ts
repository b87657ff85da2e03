// `performance/` over 30,000 seeded system trades on the real server: identical requests share one
// computation, distinct uncached ones are all answered from memory,
// the cache is an LRU of PERFORMANCE_CACHE_ENTRIES, it moves with system closes and not with
// users' trades, and unrealised P/L stays live on a cached answer; `equity_curve` is bounded by
// `equity_points` (default DEFAULT_EQUITY_POINTS) and whole with `equity_points=all`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { call, register, TEST_APP_OPTIONS } from '../users/user-client.ts';
import { seedSystemTrades } from '../../benchmarks/support/seed-system-trades.ts';
import { DEFAULT_EQUITY_POINTS } from '../../shared/metrics/equity-curve.ts';
import { roundMoney } from '../../shared/trade-math.ts';

const TRADES = 30_000;
let server: TestServer;
let bot: Socket;
let ts = Date.now();

beforeAll(async () => {
  const db = await createTestDatabase();
  await seedSystemTrades(db.url, TRADES);
  server = await startTestServer({ PUBLIC_READ_CONCURRENCY: '1', PUBLIC_READ_QUEUE: '2', PERFORMANCE_CACHE_ENTRIES: '3' }, { db, app: TEST_APP_OPTIONS });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
}, 180_000);
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

const perf = async (query = '') => {
  const res = await fetch(`${server.url}/api/public/paper-trading/performance/${query}`);
  const text = await res.text();
  return { status: res.status, cache: res.headers.get('x-cache'), retryAfter: res.headers.get('retry-after'), text, body: JSON.parse(text) };
};
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

describe('performance/ is computed once per (filters, version)', { timeout: 120_000 }, () => {
  it('concurrent identical requests share one computation', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => perf('?timeframe=1h')));
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(all.filter((r) => r.cache === 'miss')).toHaveLength(1);
    expect(all.every((r) => r.cache === 'shared' || r.cache === 'miss' || r.cache === 'hit')).toBe(true);
    expect(new Set(all.map((r) => r.text)).size).toBe(1);
    expect(all[0]!.body.total_trades).toBe(TRADES / 3);
    expect((await perf('?timeframe=1h')).cache).toBe('hit');
  });

  // The engine computes performance/ from its in-memory record (server/analytics/public-trade-record.ts):
  // synchronous, so no computation waits for another. The budget and its 503 guard the SQL read
  // of ROLE=edge; VersionedCache's own tests (tests/cache/versioned-cache.test.ts) hold it.
  it('distinct uncached requests are all answered from the in-memory record', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => perf(`?days=${2000 + i}`)));
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(all.every((r) => r.body.total_trades === TRADES)).toBe(true);
  });

  it('keeps at most PERFORMANCE_CACHE_ENTRIES filter combinations (least recently used goes)', async () => {
    for (const q of ['?symbol=S001USDT', '?symbol=S002USDT', '?symbol=S003USDT']) expect((await perf(q)).cache).toBe('miss');
    expect((await perf('?symbol=S001USDT')).cache).toBe('hit');
    expect((await perf('?symbol=S004USDT')).cache).toBe('miss'); // evicts S002, the least recently used
    expect((await perf('?symbol=S001USDT')).cache).toBe('hit');
    expect((await perf('?symbol=S002USDT')).cache).toBe('miss');
  });

  it('does not move with users’ trades, moves with system closes, and keeps unrealised P/L live', async () => {
    await tick('S020USDT', 100);
    const first = await perf();
    expect(first.status).toBe(200);
    const { token } = await register(server.url, 'perf_user');
    for (const body of [
      { symbol: 'S020USDT', direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 },
      { symbol: 'S020USDT', direction: 'LONG', entry_price: 'market', take_profit: 110, stop_loss: 90 },
      { symbol: 'NOPEUSDT', direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 },
    ]) {
      await call(server.url, 'POST', '/api/paper-trades', { token, body });
    }
    const afterUser = await perf();
    expect(afterUser.cache).toBe('hit');
    expect(afterUser.text).toBe(first.text);

    // Open system trades of S020USDT (seeded open: every 20th id, all LONG from 100) gain value: the cached answer's unrealised P/L follows.
    await tick('S020USDT', 101);
    await waitFor(async () => (await perf()).body.unrealized_profit_loss !== first.body.unrealized_profit_loss, 5000, 'unrealised P/L to move');
    const live = await perf();
    expect(live.cache).toBe('hit');
    expect(live.body.closed_trades).toBe(first.body.closed_trades);

    // A new system trade and its close: a new version, a fresh computation.
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'perf-new', symbol: 'S006USDT', direction: 'LONG', entry: 100, tp: 105, sl: 95 });
    expect(ack.ok).toBe(true);
    await tick('S006USDT', 106);
    await waitFor(async () => (await perf()).body.closed_trades === first.body.closed_trades + 1, 10_000, 'the close to show');
    expect((await perf()).body.total_trades).toBe(first.body.total_trades + 1);
  });
});

describe('performance/ equity_curve is bounded by equity_points', { timeout: 120_000 }, () => {
  type Point = { time: number; value: number };
  it('sends at most DEFAULT_EQUITY_POINTS points by default, every point with "all", and the rest of the body alike', async () => {
    const byDefault = await perf('?timeframe=4h');
    const all = await perf('?timeframe=4h&equity_points=all');
    expect([byDefault.status, all.status]).toEqual([200, 200]);
    const full = all.body.equity_curve as Point[];
    const bounded = byDefault.body.equity_curve as Point[];
    // 10,000 trades of this timeframe, 19 of 20 closed: far more points than the bound.
    expect(full.length).toBeGreaterThan(DEFAULT_EQUITY_POINTS);
    expect(all.body.equity_curve_full_points).toBe(full.length);
    expect(byDefault.body.equity_curve_full_points).toBe(full.length);
    expect(bounded.length).toBeLessThanOrEqual(DEFAULT_EQUITY_POINTS);
    // Four per bucket at most; a monotone stretch keeps two (its first and last are its extremes).
    expect(bounded.length).toBeGreaterThan(DEFAULT_EQUITY_POINTS / 4);
    expect(bounded.at(-1)).toEqual(full.at(-1));
    expect(bounded[0]).toEqual(full[0]);
    const fullByTime = new Map(full.map((p) => [p.time, p.value]));
    expect(bounded.every((p) => fullByTime.get(p.time) === p.value)).toBe(true);
    // Only the curve differs.
    const { equity_curve: _a, ...restDefault } = byDefault.body as Record<string, unknown>;
    const { equity_curve: _b, ...restAll } = all.body as Record<string, unknown>;
    expect(restDefault).toEqual(restAll);
    // Absent and the default value are one cache entry.
    expect((await perf(`?timeframe=4h&equity_points=${DEFAULT_EQUITY_POINTS}`)).cache).toBe('hit');
  });

  it('takes a smaller bound, and refuses one out of range naming the field', async () => {
    const small = await perf('?equity_points=100');
    expect(small.status).toBe(200);
    expect((small.body.equity_curve as Point[]).length).toBeLessThanOrEqual(100);
    const bad = await perf('?equity_points=3');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'equity_points' });
  });
});

describe('a filtered performance/ keeps its unrealised P/L live', { timeout: 120_000 }, () => {
  it('equals open-positions/ summed over the filtered open trades that have a price', async () => {
    await tick('S020USDT', 103.5);
    const sumOpen = async (pick: (p: { symbol: string; direction: string; unrealized_pnl: number | null }) => boolean) => {
      const open = (await (await fetch(`${server.url}/api/public/paper-trading/open-positions/`)).json()) as {
        symbol: string;
        direction: string;
        unrealized_pnl: number | null;
      }[];
      return roundMoney(open.filter((p) => pick(p) && p.unrealized_pnl !== null).reduce((s, p) => s + p.unrealized_pnl!, 0));
    };
    await waitFor(async () => (await sumOpen((p) => p.symbol === 'S020USDT')) !== 0, 5000, 'S020USDT to have a live P/L');
    const expected = await sumOpen((p) => p.symbol === 'S020USDT');
    expect((await perf('?symbol=S020USDT')).body.unrealized_profit_loss).toBe(expected);
    // LONG across every symbol: those without a price count nothing.
    expect((await perf('?direction=LONG')).body.unrealized_profit_loss).toBe(await sumOpen((p) => p.direction === 'LONG'));
    await tick('S020USDT', 98);
    await waitFor(async () => (await sumOpen((p) => p.symbol === 'S020USDT')) !== expected, 5000, 'the price to move');
    expect((await perf('?symbol=S020USDT')).body.unrealized_profit_loss).toBe(await sumOpen((p) => p.symbol === 'S020USDT'));
  });
});
