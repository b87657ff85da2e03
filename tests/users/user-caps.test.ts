// Per-user caps (issue 16, item 8): open manual trades and distinct open symbols per user, requests
// per user per second and per minute, and manual trades only on symbols the running feed prices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { call, register, TEST_APP_OPTIONS } from './user-client.ts';

let server: TestServer;
let limited: TestServer;
let bot: Socket;
let ts = Date.now();

const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
const open = (url: string, token: string, symbol: string) =>
  call(url, 'POST', '/api/paper-trades', { token, body: { symbol, direction: 'LONG', entry_price: 100, take_profit: 200, stop_loss: 50 } });

beforeAll(async () => {
  server = await startTestServer({ USER_MAX_OPEN_TRADES: '5', USER_MAX_OPEN_SYMBOLS: '2' }, { app: TEST_APP_OPTIONS });
  limited = await startTestServer({ USER_REQUESTS_PER_SECOND: '5', USER_REQUESTS_PER_MINUTE: '0' }, { app: TEST_APP_OPTIONS });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  for (const s of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']) await tick(s, 100);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
  await limited?.stop();
});

describe('symbols the feed prices', () => {
  it('refuses an invented symbol (400 naming symbol), accepts it once bots price it or a system trade holds it', async () => {
    const { token } = await register(server.url, 'inventor');
    const refused = await open(server.url, token, 'INVENTED1USDT');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'symbol' });
    await tick('INVENTED1USDT', 100);
    expect((await open(server.url, token, 'INVENTED1USDT')).status).toBe(201);
    // Held by a system trade, not priced yet: tradable (with a numeric entry).
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'caps-sys', symbol: 'HELDUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    expect(ack.ok).toBe(true);
    expect((await open(server.url, token, 'HELDUSDT')).status).toBe(201);
    // Nothing was stored for the refused open.
    const mine = await call(server.url, 'GET', '/api/paper-trades', { token });
    expect(mine.body.count).toBe(2);
  });
});

describe('open trades and symbols per user', () => {
  it('the open after USER_MAX_OPEN_TRADES is 409 CONFLICT; closing one makes room', async () => {
    const { token } = await register(server.url, 'hoarder');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await open(server.url, token, i % 2 ? 'BTCUSDT' : 'ETHUSDT');
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const over = await open(server.url, token, 'BTCUSDT');
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'CONFLICT', field: 'symbol' });
    expect(over.body.error.message).toMatch(/5 open trades/);
    expect((await call(server.url, 'POST', `/api/paper-trades/${ids[0]}/close`, { token })).status).toBe(200);
    expect((await open(server.url, token, 'BTCUSDT')).status).toBe(201);
    // Another user is not affected.
    const other = await register(server.url, 'neighbour');
    expect((await open(server.url, other.token, 'BTCUSDT')).status).toBe(201);
  });

  it('a symbol past USER_MAX_OPEN_SYMBOLS is 409 naming symbol; held symbols stay tradable', async () => {
    const { token } = await register(server.url, 'collector');
    expect((await open(server.url, token, 'BTCUSDT')).status).toBe(201);
    expect((await open(server.url, token, 'ETHUSDT')).status).toBe(201);
    const third = await open(server.url, token, 'SOLUSDT');
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'CONFLICT', field: 'symbol' });
    expect((await open(server.url, token, 'ETHUSDT')).status).toBe(201);
  });

  it('managed trades (several targets) count against both caps like plain ones', async () => {
    const { token } = await register(server.url, 'planner');
    const managed = (symbol: string) =>
      call(server.url, 'POST', '/api/paper-trades', { token, body: { symbol, direction: 'LONG', entry_price: 100, take_profit: [150, 200], stop_loss: 50 } });
    expect((await managed('BTCUSDT')).status).toBe(201);
    expect((await managed('ETHUSDT')).status).toBe(201);
    expect((await managed('SOLUSDT')).body.error).toMatchObject({ code: 'CONFLICT', field: 'symbol' });
    for (let i = 0; i < 3; i++) expect((await managed('BTCUSDT')).status).toBe(201);
    expect((await managed('BTCUSDT')).status).toBe(409);
  });

  it('concurrent opens cannot overshoot the cap', async () => {
    const { token } = await register(server.url, 'racer');
    const replies = await Promise.all(Array.from({ length: 12 }, () => open(server.url, token, 'BTCUSDT')));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(5);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(7);
    expect((await call(server.url, 'GET', '/api/paper-trades?status=OPEN', { token })).body.count).toBe(5);
  });
});

describe('requests per user', () => {
  it('past USER_REQUESTS_PER_SECOND the account gets 429 RATE_LIMITED; other accounts do not', async () => {
    const a = await register(limited.url, 'busy');
    const b = await register(limited.url, 'calm');
    const replies = await Promise.all(Array.from({ length: 20 }, () => call(limited.url, 'GET', '/api/paper-trades', { token: a.token })));
    // 20 requests fall in at most two one-second windows of 5.
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused[0]!.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await call(limited.url, 'GET', '/api/paper-trades', { token: b.token })).status).toBe(200);
  });
});
