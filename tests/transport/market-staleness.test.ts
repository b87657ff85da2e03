// Staleness per market (SPEC §10): futures ticks alone keep `BTCUSDT.P` fresh and let the spot key
// go stale, on the public stream, in feed health and in /readyz (each counts price keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';

const STALE_MS = 300;
let server: TestServer;
let bot: Socket;
let ts = Date.now();
const tick = (price: number, market?: 'SPOT' | 'FUTURES') =>
  bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price, ts: ++ts, ...(market ? { market } : {}) }] });
const signal = (external_id: string, market_type: 'SPOT' | 'FUTURES') =>
  bot.timeout(5000).emitWithAck('signal', { external_id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50, market_type });

beforeAll(async () => {
  server = await startTestServer({ PRICE_STALE_MS: String(STALE_MS) });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('staleness per market', () => {
  it('futures ticks alone leave the spot key stale and the futures key fresh', async () => {
    expect((await signal('st-spot', 'SPOT')).ok).toBe(true);
    expect((await signal('st-fut', 'FUTURES')).ok).toBe(true);
    await tick(100);
    const viewer = new Recorder(connectPublic(server.url));
    await viewer.until(() => viewer.snapshots.length === 1);
    const staleKeys = () => viewer.events().flatMap((e) => (e.type === 'prices' ? (e.stale ?? []) : []));
    // Futures keep ticking well past PRICE_STALE_MS; spot says nothing.
    const end = Date.now() + STALE_MS * 6;
    while (Date.now() < end && !staleKeys().includes('BTCUSDT')) {
      await tick(100 + Math.random(), 'FUTURES');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(staleKeys()).toContain('BTCUSDT');
    expect(staleKeys()).not.toContain('BTCUSDT.P');
    const health = (await (await fetch(`${server.url}/api/public/feed-health/`)).json()) as { symbols: Array<{ symbol: string; stale: boolean }> };
    expect(health.symbols.find((r) => r.symbol === 'BTCUSDT')?.stale).toBe(true);
    expect(health.symbols.find((r) => r.symbol === 'BTCUSDT.P')?.stale).toBe(false);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain('1 symbol(s)');
    // A spot tick makes the spot key fresh again.
    await tick(101, 'SPOT');
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200, 5000, 'ready again');
    viewer.socket.close();
  });
});
