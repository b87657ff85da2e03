import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;

const signal = (over: Record<string, unknown> = {}) => ({
  external_id: `ext-${Math.random().toString(36).slice(2)}`,
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry: 100,
  tp: 110,
  sl: 90,
  ...over,
});

const send = (payload: unknown): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal', payload);

beforeAll(async () => {
  server = await startTestServer();
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('/bot auth', () => {
  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-token-at-all'],
  ])('rejects %s with connect_error unauthorized', async (_label, token) => {
    const s = connectBot(server.url, token);
    const err = await connected(s).then(
      () => null,
      (e: Error) => e,
    );
    s.close();
    expect(err?.message).toBe('unauthorized');
  });
});

describe('signal', () => {
  it('is acked with ids after commit, and the trade is in the database', async () => {
    const ack = await send(signal({ symbol: 'ETHUSDT', entry: 2000, tp: 2100, sl: 1900 }));
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    if (!ack.ok) throw new Error('not ok');
    expect(ack.signal_id).toBeGreaterThan(0);
    expect(ack.trade_id).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/api/public/paper-trading/?symbol=ETHUSDT`);
    const body = (await res.json()) as { count: number; results: Array<{ id: number; quantity: number; status: string }> };
    expect(body.count).toBe(1);
    expect(body.results[0]).toMatchObject({ id: ack.trade_id, quantity: 0.05, status: 'OPEN' });
  });

  it('a resend is a duplicate with the same trade', async () => {
    const s = signal({ symbol: 'SOLUSDT' });
    const first = await send(s);
    const again = await send(s);
    const concurrent = await Promise.all([send(s), send(s), send(s)]);
    expect(again).toEqual({ ...first, duplicate: true });
    for (const c of concurrent) expect(c).toEqual({ ...first, duplicate: true });
    const res = await fetch(`${server.url}/api/public/paper-trading/?symbol=SOLUSDT`);
    expect(((await res.json()) as { count: number }).count).toBe(1);
  });

  it.each([
    [{ symbol: 'btc' }, 'symbol'],
    [{ direction: 'SIDEWAYS' }, 'direction'],
    [{ entry: 'abc' }, 'entry'],
    [{ tp: 95 }, 'tp'],
    [{ sl: 105 }, 'sl'],
    [{ confidence: 2 }, 'confidence'],
    [{ timeframe: '3h' }, 'timeframe'],
    [{ market_type: 'OPTIONS' }, 'market_type'],
    [{ leverage: 3 }, 'leverage'],
    [{ leverage: 500, market_type: 'FUTURES' }, 'leverage'],
  ])('rejects %j with VALIDATION_ERROR naming %s, storing nothing', async (patch, field) => {
    const ack = await send(signal({ symbol: 'XRPUSDT', ...patch }));
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('VALIDATION_ERROR');
    expect(ack.error.field).toBe(field);
    const res = await fetch(`${server.url}/api/public/paper-trading/?symbol=XRPUSDT`);
    expect(((await res.json()) as { count: number }).count).toBe(0);
  });

  it('POST /api/signals does the same over HTTP with a bearer token', async () => {
    const s = signal({ symbol: 'ADAUSDT', entry: 1, tp: 1.1, sl: 0.9 });
    const post = (body: unknown, token = server.botToken) =>
      fetch(`${server.url}/api/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const r1 = await post(s);
    expect(r1.status).toBe(201);
    const a1 = (await r1.json()) as SignalAck;
    const r2 = await post(s);
    expect(r2.status).toBe(200);
    expect(await r2.json()).toEqual({ ...a1, duplicate: true });
    const bad = await post({ ...s, external_id: 'other', sl: 2 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_ERROR', field: 'sl' } });
    const unauth = await post(s, 'wrong-token-123');
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});
