// A user's manual trades per market (SPEC §10): a market entry takes its own market's last price, a
// FUTURES trade needs futures prices to exist, and /me streams both keys (`BTCUSDT`, `BTCUSDT.P`)
// while neither shows on /public (no system trade holds them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';
import { call, connectMe, register, TEST_APP_OPTIONS } from './user-client.ts';

let server: TestServer;
let bot: Socket;
let token: string;
let ts = Date.now();

const tick = (symbol: string, price: number, market?: 'SPOT' | 'FUTURES') =>
  bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts, ...(market ? { market } : {}) }] });
const open = (body: Record<string, unknown>) => call(server.url, 'POST', '/api/paper-trades', { token, body });

beforeAll(async () => {
  server = await startTestServer({}, { app: TEST_APP_OPTIONS });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  token = (await register(server.url, 'mara_markets')).token;
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('manual trades per market', () => {
  it('market entries take their own market’s price; /me streams both keys, /public neither', async () => {
    const pub = new Recorder(connectPublic(server.url));
    await pub.until(() => pub.snapshots.length === 1);
    await tick('BTCUSDT', 100, 'SPOT');
    await tick('BTCUSDT', 102, 'FUTURES');
    const spot = await open({ symbol: 'BTCUSDT', direction: 'LONG', entry_price: 'market', take_profit: 120, stop_loss: 80 });
    const fut = await open({ symbol: 'BTCUSDT', direction: 'LONG', entry_price: 'market', take_profit: 120, stop_loss: 80, market_type: 'FUTURES' });
    expect(spot.status).toBe(201);
    expect(fut.status).toBe(201);
    expect(spot.body.entry_price).toBe(100);
    expect(fut.body.entry_price).toBe(102);

    const me = new Recorder(connectMe(server.url, token));
    await me.until(() => me.snapshots.length === 1, 5000, 'me snapshot');
    expect(me.snapshots[0]!.prices).toMatchObject({ BTCUSDT: { price: 100 }, 'BTCUSDT.P': { price: 102 } });
    await tick('BTCUSDT', 104, 'FUTURES');
    await me.until(() => me.events().some((e) => e.type === 'prices' && e.prices['BTCUSDT.P']?.[0] === 104), 5000, 'futures delta on /me');
    expect(me.events().some((e) => e.type === 'prices' && e.prices.BTCUSDT?.[0] === 104)).toBe(false);
    me.socket.close();
    for (const frame of pub.raw) expect(frame).not.toContain('BTCUSDT');
    pub.socket.close();
  });

  it('a FUTURES trade needs futures prices: spot prices alone do not make a symbol tradable as FUTURES', async () => {
    await tick('SOLUSDT', 200, 'SPOT');
    const body = { symbol: 'SOLUSDT', direction: 'LONG', entry_price: 200, take_profit: 220, stop_loss: 180 };
    const fut = await open({ ...body, market_type: 'FUTURES' });
    expect(fut.status).toBe(400);
    expect(fut.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'symbol' });
    expect((await open(body)).status).toBe(201);
  });
});
