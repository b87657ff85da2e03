// Prices are streamed publicly only for symbols with open system trades: a symbol only users hold
// must not show up (a per-symbol feed subscription would otherwise reveal the user's position).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { TestServer } from '../helpers/server.ts';
import { connectPublic, Recorder } from '../helpers/sockets.ts';
import { startWithBotAndViewer, type BotAndViewer } from '../helpers/bot-and-viewer.ts';

let server: TestServer;
let bot: Socket;
let viewer: Recorder;
let ts = Date.now();
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let harness: BotAndViewer | undefined;
beforeAll(async () => {
  harness = await startWithBotAndViewer();
  ({ server, bot, viewer } = harness);
});
afterAll(async () => harness?.stop());

describe('public prices', () => {
  it('never carry a symbol that only users hold, and do once the bot trades it', async () => {
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zoe_private', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    // Bots price ZECUSDT before any trade holds it (users trade only what the feed prices).
    await tick('ZECUSDT', 30);
    const made = await fetch(`${server.url}/api/paper-trades`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ symbol: 'ZECUSDT', direction: 'LONG', entry_price: 30, take_profit: 40, stop_loss: 20 }),
    });
    expect(made.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      await tick('ZECUSDT', 30 + i * 0.1);
      await pause(40);
    }
    await pause(100);
    const late = new Recorder(connectPublic(server.url));
    await late.until(() => late.snapshots.length === 1);
    for (const frame of [...viewer.raw, ...late.raw]) expect(frame).not.toContain('ZECUSDT');
    late.socket.close();

    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'zec-1', symbol: 'ZECUSDT', direction: 'LONG', entry: 30, tp: 40, sl: 20 });
    expect(ack.ok).toBe(true);
    await tick('ZECUSDT', 31);
    await viewer.until(() => viewer.events().some((e) => e.type === 'prices' && 'ZECUSDT' in e.prices), 5000, 'ZEC price');
  });
});
