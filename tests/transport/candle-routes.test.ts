// GET /api/public/candles/ on a real server: candles of a symbol a system trade holds (1m and a
// derived 5m), the wall (a symbol only a user trades answers exactly like one nobody trades), and
// errors naming the field (interval, from, to, the bound on from..to).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { TestServer } from '../helpers/server.ts';
import { startWithBotAndViewer, type BotAndViewer } from '../helpers/bot-and-viewer.ts';
import type { CandlesAnswerJson } from '../../shared/candles.ts';

let server: TestServer;
let bot: Socket;
let harness: BotAndViewer | undefined;
const MIN = 60_000;
// Three minutes ago, on a 5-minute boundary's side that keeps the test's minutes in one 5m candle or two.
const base = Math.floor(Date.now() / MIN) * MIN - 3 * MIN;
const tick = (symbol: string, price: number, ts: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts }] });
const get = (q: string) => fetch(`${server.url}/api/public/candles/?${q}`);

beforeAll(async () => {
  harness = await startWithBotAndViewer();
  ({ server, bot } = harness);
  const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'btc-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50 });
  expect(ack.ok).toBe(true);
  // Minute 1: 100 → 104 → 98 → 101; minute 2: 102 → 103. One batch: these minutes ended minutes
  // ago, so a sweep between two ticks would take a minute by the clock and drop the rest as late.
  const batch = [
    [100, 1],
    [104, 10],
    [98, 20],
    [101, 50],
    [102, 61],
    [103, 70],
  ].map(([price, sec]) => ({ symbol: 'BTCUSDT', price: price!, ts: base + sec! * 1000 }));
  expect((await bot.timeout(5000).emitWithAck('prices', { ticks: batch })).ok).toBe(true);
});
afterAll(async () => harness?.stop());

describe('GET /api/public/candles/', () => {
  it('answers 1m candles of a symbol with public prices, CORS and cacheable', async () => {
    const res = await get(`symbol=btcusdt&interval=1m&from=${base}&to=${base + 3 * MIN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=1');
    const body = (await res.json()) as CandlesAnswerJson;
    expect(body).toMatchObject({ symbol: 'BTCUSDT', market_type: 'SPOT', interval: '1m' });
    expect(body.candles).toEqual([
      { start: base, open: 100, high: 104, low: 98, close: 101, ticks: 4 },
      { start: base + MIN, open: 102, high: 103, low: 102, close: 103, ticks: 2 },
    ]);
  });

  it('derives larger intervals from the 1m candles', async () => {
    const res = await get(`symbol=BTCUSDT&interval=1h&to=${base + 3 * MIN}`);
    const body = (await res.json()) as CandlesAnswerJson;
    const hour = base - (base % 3_600_000);
    const inHour = body.candles.filter((c) => c.start === hour || c.start === hour + 3_600_000);
    // The two minutes fall in one hour, or (near the top of an hour) in two.
    expect(inHour.reduce((n, c) => n + c.ticks, 0)).toBe(6);
    expect(Math.max(...inHour.map((c) => c.high))).toBe(104);
    expect(inHour.at(-1)!.close).toBe(103);
  });

  it('a symbol only a user trades answers exactly like one nobody trades', async () => {
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zoe_candles', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    await tick('ZECUSDT', 30, base + 5_000);
    await tick('ZECUSDT', 31, base + MIN + 5_000);
    const made = await fetch(`${server.url}/api/paper-trades`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ symbol: 'ZECUSDT', direction: 'LONG', entry_price: 31, take_profit: 40, stop_loss: 20 }),
    });
    expect(made.status).toBe(201);
    const userOnly = await get('symbol=ZECUSDT');
    const nobody = await get('symbol=QQQUSDT');
    expect(userOnly.status).toBe(404);
    expect(nobody.status).toBe(404);
    const a = (await userOnly.text()).replaceAll('ZECUSDT', 'X');
    const b = (await nobody.text()).replaceAll('QQQUSDT', 'X');
    expect(a).toBe(b);
    expect(a).not.toContain('31');
    // The futures key of a spot-only system symbol is not public either.
    expect((await get('symbol=BTCUSDT&market_type=FUTURES')).status).toBe(404);
  });

  it('errors name the field', async () => {
    const cases: [string, string, RegExp][] = [
      ['symbol=BTCUSDT&interval=2m', 'interval', /1m, 5m, 15m, 1h, 4h, 1d/],
      ['symbol=BTCUSDT&from=yesterday', 'from', /epoch milliseconds/],
      ['symbol=BTCUSDT&from=2000&to=1000', 'to', /after from/],
      [`symbol=BTCUSDT&interval=1m&from=0&to=${Date.now()}`, 'from', /at most 1000 per answer/],
      ['symbol=btc-usdt', 'symbol', /upper-case/],
      ['interval=1m', 'symbol', /./],
    ];
    for (const [q, field, message] of cases) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      const { error: body } = (await res.json()) as { error: { code: string; message: string; field: string } };
      expect(body.code, q).toBe('VALIDATION_ERROR');
      expect(body.field, q).toBe(field);
      expect(body.message, q).toMatch(message);
    }
  });
});
