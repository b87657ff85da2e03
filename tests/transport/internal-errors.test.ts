// A bug in a handler is answered INTERNAL (HTTP 500, or the ack's error code), never UNAVAILABLE
// (which tells clients to retry), and is logged once at error level with the error. Real uWS +
// Socket.IO on port 0, a real socket.io-client bot; the handlers throw a plain Error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import uWS from 'uWebSockets.js';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { HttpRouter } from '../../server/transport/http/http-router.ts';
import { createIoServer, type IoServer } from '../../server/transport/socket/io-server.ts';
import { registerBotNamespace, type BotPort } from '../../server/transport/socket/bot-namespace.ts';
import { registerSignalRoutes } from '../../server/transport/http/signal-routes.ts';
import { TokenAuth } from '../../server/auth/token-auth.ts';
import { connectBot, connected } from '../helpers/sockets.ts';

const BOT_TOKEN = 'internal-errors-test-token';
const lines: Array<{ level: number; msg: string; err?: { message?: string } }> = [];
const log = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as (typeof lines)[number]);
      done();
    },
  }),
);
const errorsLogged = (message: string) => lines.filter((l) => l.level === 50 && l.err?.message === message);

let listen: uWS.us_listen_socket;
let io: IoServer;
let url: string;
let bot: Socket;

beforeAll(async () => {
  const app = uWS.App();
  io = createIoServer(app, { maxSocketsPerIp: 0, maxConnectsPerSocket: 10, connectsPerIpPerSecond: 0 });
  const port: BotPort = {
    ingestSignal: async () => {
      throw new Error('ingest bug');
    },
    cancelSignal: async () => {
      throw new Error('cancel bug');
    },
    updateSignal: async () => {
      throw new Error('update bug');
    },
    pushPrices: () => {
      throw new Error('prices bug');
    },
  };
  const auth = new TokenAuth(BOT_TOKEN, async () => null);
  registerBotNamespace(io, { auth, bot: port, log, signalsPerSecond: 100 });
  const router = new HttpRouter(log);
  router.get('/boom', () => {
    throw new Error('sync bug');
  });
  router.get('/boom-async', async () => {
    await Promise.resolve();
    throw new Error('async bug');
  });
  registerSignalRoutes(router, auth, port);
  router.mount(app);
  listen = await new Promise((resolve, reject) => app.listen('127.0.0.1', 0, (t) => (t ? resolve(t) : reject(new Error('listen')))));
  url = `http://127.0.0.1:${uWS.us_socket_local_port(listen)}`;
  bot = connectBot(url, BOT_TOKEN);
  await connected(bot);
});

afterAll(() => {
  bot?.close();
  io?.close();
  if (listen) uWS.us_listen_socket_close(listen);
});

describe('a handler throwing a plain Error', () => {
  it.each([
    ['/boom', 'sync bug'],
    ['/boom-async', 'async bug'],
  ])('HTTP %s → 500 INTERNAL, logged once at error level', async (path, message) => {
    const r = await fetch(`${url}${path}`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(errorsLogged(message)).toHaveLength(1);
  });

  it('POST /api/signals → 500 INTERNAL', async () => {
    const r = await fetch(`${url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 }),
    });
    expect(r.status).toBe(500);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    expect(errorsLogged('ingest bug')).toHaveLength(1);
  });

  it.each([
    ['signal', { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 }, 'ingest bug'],
    ['signal:cancel', { signal_id: 1 }, 'cancel bug'],
    ['prices', { ticks: [] }, 'prices bug'],
  ] as const)('socket %s → ack INTERNAL, logged once at error level', async (event, payload, message) => {
    const before = errorsLogged(message).length;
    const ack = (await bot.timeout(5000).emitWithAck(event, payload)) as { ok: boolean; error?: { code: string } };
    expect(ack).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(errorsLogged(message).length - before).toBe(1);
    expect(bot.connected).toBe(true);
  });
});
