// Database unreachable → signals are answered UNAVAILABLE promptly (nothing stored), /readyz is 503,
// ticks keep the book live; when the database returns, signals are accepted again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

let db: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;
let bot: Socket;

beforeAll(async () => {
  db = await createTestDatabase();
  const u = new URL(db.url);
  proxy = await new TcpProxy(u.hostname, Number(u.port)).start();
  server = await startTestServer({}, { db: { ...db, url: proxy.url(db.url) } });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  proxy.restore();
  await server?.stop();
  await proxy?.stop();
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

const send = (p: Record<string, unknown>): Promise<SignalAck> =>
  bot.timeout(15_000).emitWithAck('signal', { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, ...p });

describe('database outage', () => {
  it('acks UNAVAILABLE promptly, reports not ready, and recovers', async () => {
    expect((await send({ external_id: 'before' })).ok).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    proxy.cut();
    const started = Date.now();
    const ack = await send({ external_id: 'during' });
    const took = Date.now() - started;
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(took).toBeLessThan(10_000); // "promptly": bounded by the pool's acquire timeout, never hung
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { database: unknown } }).checks.database).not.toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // Ticks still move the live book while the database is away.
    const r = await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 104, ts: Date.now() }] });
    expect(r).toMatchObject({ ok: true });
    const open = (await (await fetch(`${server.url}/api/public/paper-trading/open-positions/`)).json()) as Array<{ current_price: number }>;
    expect(open[0]?.current_price).toBe(104);

    proxy.restore();
    let after: SignalAck | null = null;
    for (let i = 0; i < 50 && !after?.ok; i++) {
      after = await send({ external_id: 'during' });
      if (!after.ok) await new Promise((r) => setTimeout(r, 200));
    }
    expect(after).toMatchObject({ ok: true, duplicate: false });
    const list = (await (await fetch(`${server.url}/api/public/paper-trading/`)).json()) as { count: number };
    expect(list.count).toBe(2);
  });
});
