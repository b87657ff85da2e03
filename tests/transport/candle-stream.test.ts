// Closed 1m candles reach /public viewers over a real socket (the sweep flushes them within a
// second), for public price keys only: a symbol only a user trades never shows up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { TestServer } from '../helpers/server.ts';
import { startWithBotAndViewer, type BotAndViewer } from '../helpers/bot-and-viewer.ts';
import { waitFor } from '../helpers/sockets.ts';
import type { StreamCandleJson } from '../../shared/candles.ts';

let server: TestServer;
let bot: Socket;
let harness: BotAndViewer | undefined;
const MIN = 60_000;
const tick = (symbol: string, price: number, ts: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts }] });

beforeAll(async () => {
  harness = await startWithBotAndViewer();
  ({ server, bot } = harness);
});
afterAll(async () => harness?.stop());

describe('candles on /public', () => {
  it('streams a closed minute of a public symbol, never one only a user holds', async () => {
    const got: StreamCandleJson[] = [];
    harness!.viewer.socket.on('candles', (c: { candles: StreamCandleJson[] }) => got.push(...c.candles));
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'eth-1', symbol: 'ETHUSDT', direction: 'LONG', entry: 10, tp: 20, sl: 5 });
    expect(ack.ok).toBe(true);

    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zoe_stream', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    const now = Date.now();
    await tick('ZECUSDT', 30, now);
    const made = await fetch(`${server.url}/api/paper-trades`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ symbol: 'ZECUSDT', direction: 'LONG', entry_price: 30, take_profit: 40, stop_loss: 20 }),
    });
    expect(made.status).toBe(201);

    // Last minute's ticks, then one in this minute: last minute is closed, the next sweep sends it.
    // One batch, so no sweep falls between them and takes last minute by the clock.
    const last = Math.floor(now / MIN) * MIN - MIN;
    const ticks = [
      { symbol: 'ETHUSDT', price: 10, ts: last + 1_000 },
      { symbol: 'ETHUSDT', price: 12, ts: last + 2_000 },
      { symbol: 'ETHUSDT', price: 11, ts: last + 3_000 },
      { symbol: 'ZECUSDT', price: 31, ts: last + 1_000 },
      { symbol: 'ETHUSDT', price: 11.5, ts: Date.now() },
      { symbol: 'ZECUSDT', price: 32, ts: Date.now() },
    ];
    expect((await bot.timeout(5000).emitWithAck('prices', { ticks })).ok).toBe(true);
    await waitFor(() => got.some((c) => c.key === 'ETHUSDT'), 5000, 'the closed ETHUSDT minute');
    expect(got.find((c) => c.key === 'ETHUSDT')).toEqual({ key: 'ETHUSDT', start: last, open: 10, high: 12, low: 10, close: 11, ticks: 3 });
    await new Promise((r) => setTimeout(r, 1_200)); // another sweep
    expect(got.map((c) => c.key)).not.toContain('ZECUSDT');
    expect(JSON.stringify(harness!.viewer.raw)).not.toContain('ZECUSDT');
  });
});
