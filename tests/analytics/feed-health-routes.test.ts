// Feed health on the real server: REST and /metrics list symbols with open system trades only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;
let ts = Date.now();
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

beforeAll(async () => {
  server = await startTestServer({ PRICE_STALE_MS: '60000' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('feed health', { timeout: 30_000 }, () => {
  it('shows age, ticks/s and stale flag per public symbol in REST and /metrics', async () => {
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'fh-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    expect(ack).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) {
      await tick('BTCUSDT', 100 + i * 0.01);
      await tick('DOGEUSDT', 0.1); // no system trade: never listed
    }
    type Body = { symbols: { symbol: string; age_ms: number; ticks_per_second: number; stale: boolean }[] };
    let body: Body = { symbols: [] };
    await waitFor(async () => {
      body = (await (await fetch(`${server.url}/api/public/feed-health/`)).json()) as Body;
      return body.symbols.length > 0;
    });
    expect(body.symbols).toEqual([{ symbol: 'BTCUSDT', age_ms: expect.any(Number), ticks_per_second: expect.any(Number), stale: false }]);
    expect(body.symbols[0]!.age_ms).toBeLessThan(5000);

    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/paperbook_feed_symbol_age_seconds\{symbol="BTCUSDT"\} [\d.e-]+/);
    expect(text).toMatch(/paperbook_feed_symbol_ticks_per_second\{symbol="BTCUSDT"\}/);
    expect(text).toMatch(/paperbook_feed_symbol_stale\{symbol="BTCUSDT"\} 0/);
    expect(text).not.toContain('DOGEUSDT');
  });
});
