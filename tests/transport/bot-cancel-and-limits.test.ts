import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, SimpleAck, TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;

beforeAll(async () => {
  server = await startTestServer({}, { signalsPerSecond: 20 });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

const send = (p: Record<string, unknown>): Promise<SignalAck> =>
  bot.timeout(5000).emitWithAck('signal', { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, ...p });
const cancel = (p: Record<string, unknown>): Promise<SimpleAck> => bot.timeout(5000).emitWithAck('signal:cancel', p);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('signal:cancel', () => {
  it('closes the open trade at the last price (CLOSED_MANUAL) and marks the signal CANCELLED', async () => {
    const ack = await send({ external_id: 'to-cancel' });
    if (!ack.ok) throw new Error('signal failed');
    await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 103, ts: Date.now() }] });
    expect(await cancel({ external_id: 'to-cancel' })).toEqual({ ok: true });
    const list = (await (await fetch(`${server.url}/api/public/paper-trading/?status=CLOSED_MANUAL`)).json()) as { results: TradeJson[] };
    // q = 1; 1 × 3 − 1 × 203 × 0.001 = 2.797
    expect(list.results[0]).toMatchObject({ id: ack.trade_id, exit_price: 103, profit_loss: 2.797 });
    // Cancelling again is idempotent; cancelling by signal id too.
    expect(await cancel({ external_id: 'to-cancel' })).toEqual({ ok: true });
    expect(await cancel({ signal_id: ack.signal_id })).toEqual({ ok: true });
    await pause(1100);
  });

  it('answers NOT_FOUND for an unknown signal and VALIDATION_ERROR for an empty reference', async () => {
    expect(await cancel({ external_id: 'never-sent' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await cancel({})).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', field: 'signal_id' } });
    await pause(1100);
  });
});

describe('rate limiting', () => {
  it('answers RATE_LIMITED past the per-connection budget and stores nothing for those', async () => {
    const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => send({ external_id: `burst-${i}`, symbol: 'DOGEUSDT', entry: 1, tp: 1.1, sl: 0.9 })));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    const okCount = acks.filter((a) => a.ok).length;
    expect(limited.length).toBeGreaterThan(0);
    expect(okCount).toBeLessThanOrEqual(20);
    const list = (await (await fetch(`${server.url}/api/public/paper-trading/?symbol=DOGEUSDT`)).json()) as { count: number };
    expect(list.count).toBe(okCount);
  });
});

describe('prices on a server whose feed is not bot-fed', () => {
  it('is refused with a clear error', async () => {
    const other = await startTestServer({ PRICE_FEED: 'replay:/dev/null' });
    try {
      const b = connectBot(other.url, other.botToken);
      await connected(b);
      const r = await b.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 1, ts: 1 }] });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
      b.close();
    } finally {
      await other.stop();
    }
  });
});
