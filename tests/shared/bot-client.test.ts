// BotClient against a real socket.io server with a scripted /bot namespace.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotClient, BotClientError } from '../../shared/bot-client.ts';
import type { SignalAck } from '../../shared/protocol-types.ts';
import type { SignalInput } from '../../shared/signal-schema.ts';

const TOKEN = 'test-token-123';
const SIGNAL: SignalInput = { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 };

let io: Server;
let url: string;
let received: SignalInput[];
/** How many incoming signals to leave unanswered before acking. */
let dropFirst: number;
/** How many incoming signals cut the connection instead of answering ('server' = io disconnect). */
let cutFirst: { n: number; how: 'server' | 'transport' };
const clients: BotClient[] = [];

beforeEach(async () => {
  received = [];
  dropFirst = 0;
  cutFirst = { n: 0, how: 'transport' };
  const http = createServer();
  io = new Server(http);
  const bot = io.of('/bot');
  bot.use((socket, next) => (socket.handshake.auth.token === TOKEN ? next() : next(new Error('unauthorized'))));
  bot.on('connection', (socket) => {
    socket.on('signal', (payload: SignalInput, ack: (r: SignalAck) => void) => {
      received.push(payload);
      if (received.length <= dropFirst) return;
      if (received.length <= cutFirst.n) {
        if (cutFirst.how === 'server') socket.disconnect(true);
        else socket.conn.close();
        return;
      }
      const first = received.findIndex((r) => r.external_id === payload.external_id);
      ack({ ok: true, signal_id: first + 1, trade_id: first + 1, duplicate: first !== received.length - 1 });
    });
    socket.on('prices', (p: { ticks: unknown[] }, ack: (r: { ok: true; accepted: number }) => void) => ack({ ok: true, accepted: p.ticks.length }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await io.close();
});

function client(token = TOKEN, timeoutMs = 200) {
  const c = new BotClient({ url, token, timeoutMs });
  clients.push(c);
  return c;
}

describe('BotClient', () => {
  it('rejects connect() with the server message on a wrong token', async () => {
    await expect(client('wrong-token').connect()).rejects.toThrow('unauthorized');
  });

  it('sends a signal and resolves with the ack, generating an external_id', async () => {
    const c = client();
    await c.connect();
    const ack = await c.sendSignal(SIGNAL);
    expect(ack).toEqual({ ok: true, signal_id: 1, trade_id: 1, duplicate: false });
    expect(received[0]!.external_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a timed-out signal with the same external_id', async () => {
    dropFirst = 2;
    const c = client();
    await c.connect();
    const ack = await c.sendSignal(SIGNAL, { timeoutMs: 100, retries: 3 });
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.external_id)).size).toBe(1);
    expect(ack).toMatchObject({ ok: true, signal_id: 1, duplicate: true });
  });

  it.each(['transport', 'server'] as const)('retries across a %s disconnect with the same external_id', async (how) => {
    cutFirst = { n: 1, how };
    const c = client(TOKEN, 1000);
    await c.connect();
    const ack = await c.sendSignal({ ...SIGNAL, external_id: 'bot-42' });
    expect(ack).toMatchObject({ ok: true, duplicate: true });
    expect(received.map((r) => r.external_id)).toEqual(['bot-42', 'bot-42']);
  });

  it('gives up with BotClientError after the last retry', async () => {
    dropFirst = 99;
    const c = client();
    await c.connect();
    await expect(c.sendSignal(SIGNAL, { timeoutMs: 50, retries: 1 })).rejects.toBeInstanceOf(BotClientError);
    expect(received).toHaveLength(2);
  });

  it('pushes prices', async () => {
    const c = client();
    await c.connect();
    expect(await c.pushPrices([{ symbol: 'BTCUSDT', price: 1, ts: 1 }])).toEqual({ ok: true, accepted: 1 });
  });
});
