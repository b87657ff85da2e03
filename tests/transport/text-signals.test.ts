// Text signals end to end (SPEC §9): POST /api/signals/text and /bot signal:text on the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { TEXT_SIGNAL_CASES } from '../shared/fixtures/text-signals.ts';

let server: TestServer;
let bot: Socket;
const ext = () => `txt-${Math.random().toString(36).slice(2)}`;

function post(text: string, opts: { token?: string | null; type?: string; query?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'text/plain; charset=utf-8', ...opts.headers };
  const token = opts.token === undefined ? server.botToken : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${server.url}/api/signals/text${opts.query ?? ''}`, { method: 'POST', headers, body: text });
}

async function publicTrade(id: number): Promise<TradeJson | undefined> {
  const r = await fetch(`${server.url}/api/public/paper-trading/?page_size=100`);
  const body = (await r.json()) as { results: TradeJson[] };
  return body.results.find((t) => t.id === id);
}

const SINGLE = 'ETH/USDT LONG\nEntry: 2250\nTarget: 2400\nStop: 2180';

beforeAll(async () => {
  server = await startTestServer();
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('POST /api/signals/text', () => {
  it('creates a public system trade with the parsed levels', async () => {
    const r = await post(SINGLE);
    expect(r.status).toBe(201);
    const ack = (await r.json()) as SignalAck & { ok: true };
    expect(ack.ok).toBe(true);
    const t = await publicTrade(ack.trade_id as number);
    expect(t).toMatchObject({ symbol: 'ETHUSDT', direction: 'LONG', entry_price: 2250, take_profit: 2400, stop_loss: 2180 });
  });

  it('a refusal names its line', async () => {
    const r = await post('ETH/USDT LONG\nEntry: 2250\nTarget: 2400\nStop: 5%');
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'sl', line: 4, line_text: 'Stop: 5%' });
  });

  it('accepts several targets (the targets line is a tp array), and a resend is the same trade', async () => {
    const id = ext();
    const text = 'BTC/USDT LONG\nEntry: 42000\nTargets: 43000 44000 45000\nStop: 41000';
    const r = await post(text, { query: `?external_id=${id}` });
    expect(r.status).toBe(201);
    const ack = (await r.json()) as SignalAck;
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    expect(ack.ok && typeof ack.trade_id === 'number').toBe(true);
    const again = await post(text, { query: `?external_id=${id}` });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, duplicate: true, trade_id: ack.ok ? ack.trade_id : -1 });
  });

  it('refuses a malformed targets line with field tp on that line, storing nothing', async () => {
    const id = ext();
    const r = await post('BTC/USDT LONG\nEntry: 42000\nTargets: 43000 TBA\nStop: 41000', { query: `?external_id=${id}` });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'tp', line: 3, line_text: 'Targets: 43000 TBA' });
    // The same id is then a first signal, not a duplicate.
    const again = await post(SINGLE, { query: `?external_id=${id}` });
    expect(again.status).toBe(201);
  });

  it('refuses another content type with 415', async () => {
    const r = await post(JSON.stringify({ text: SINGLE }), { type: 'application/json' });
    expect(r.status).toBe(415);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/text\/plain/);
  });

  it('refuses a text over MAX_TEXT_SIGNAL_LENGTH with 413', async () => {
    const r = await post(`${SINGLE}\n${'x'.repeat(5000)}`);
    expect(r.status).toBe(413);
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'wrong-token'],
  ])('refuses %s with 401', async (_l, token) => {
    const r = await post(SINGLE, { token });
    expect(r.status).toBe(401);
  });

  it('a resend with the same external_id (query or X-External-Id) is the same trade', async () => {
    const id = ext();
    const a = (await (await post(SINGLE, { query: `?external_id=${id}` })).json()) as SignalAck & { ok: true };
    const r = await post(SINGLE, { headers: { 'x-external-id': id } });
    expect(r.status).toBe(200);
    const b = (await r.json()) as SignalAck & { ok: true };
    expect(b).toMatchObject({ ok: true, duplicate: true, trade_id: a.trade_id, signal_id: a.signal_id });
  });
});

describe('/bot signal:text', () => {
  const send = (payload: unknown): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal:text', payload);

  it('creates a public system trade, and a resend acks the same trade', async () => {
    const id = ext();
    const ack = await send({ text: 'SOL/USDT SHORT\nEntry: 98.5\nTP: 95\nSL: 101', external_id: id });
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    const trade = ack.ok ? await publicTrade(ack.trade_id as number) : undefined;
    expect(trade).toMatchObject({ symbol: 'SOLUSDT', direction: 'SHORT', entry_price: 98.5, take_profit: 95, stop_loss: 101 });
    const again = await send({ text: 'SOL/USDT SHORT\nEntry: 98.5\nTP: 95\nSL: 101', external_id: id });
    expect(again).toMatchObject({ ok: true, duplicate: true, trade_id: ack.ok ? ack.trade_id : -1 });
  });

  it('acks a refusal with its line, and a non-string text with field text', async () => {
    expect(await send({ text: 'SOL/USDT\nEntry: 98.5\nTP: 95\nSL: 101' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', field: 'direction', line: 1 },
    });
    expect(await send({ text: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', field: 'text' } });
  });
});

describe('the corpus end to end', () => {
  it.each(TEXT_SIGNAL_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const ack = await bot.timeout(5000).emitWithAck('signal:text', { text: c.text, external_id: ext() });
    if ('refused' in c) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', field: c.refused.field, line: c.refused.line } });
    } else if (Array.isArray(c.expected.tp) && c.expected.tp.length > 1) {
      // Several targets: accepted (what the trade carries of them is the engine's tests' business).
      expect(ack).toMatchObject({ ok: true, duplicate: false });
      expect(ack.ok && typeof ack.trade_id === 'number').toBe(true);
    } else {
      expect(ack.ok).toBe(true);
      const t = ack.ok ? await publicTrade(ack.trade_id as number) : undefined;
      const tp = Array.isArray(c.expected.tp) ? c.expected.tp[0] : c.expected.tp;
      expect(t).toMatchObject({
        symbol: c.expected.symbol,
        direction: c.expected.direction,
        entry_price: c.expected.entry,
        take_profit: tp,
        stop_loss: c.expected.sl,
      });
    }
  });
});
