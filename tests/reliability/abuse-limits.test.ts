// Issue 8.6 — abuse limits: REST budget per client IP (429 RATE_LIMITED), deliberate Socket.IO/uWS
// frame and buffer limits, security headers on pages and API answers, and no credential in the log
// even at LOG_LEVEL=trace (grepped from a real `npm start`-equivalent process's output).
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { SOCKET_LIMITS } from '../../server/transport/socket/io-server.ts';
import { MAX_BODY_BYTES } from '../../server/transport/http/http-io.ts';
import { startTestServer } from '../helpers/server.ts';
import { terminate, spawnServer, type ChildServer } from './support/child-server.ts';
import { reportLine } from './support/soak.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

const BOT_TOKEN = 'bot-secret-Zq8x1VbN4mK7pL2w';
const WRONG_TOKEN = 'wrong-secret-Hh3Jk9Lm0Np5Qr';
const PASSWORD = 'user-password-Tt6Yy1Uu8Ii3';

let db: TestDatabase;
let server: ChildServer | null = null;

afterAll(async () => {
  if (server) {
    await terminate(server);
  }
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

describe('abuse limits', () => {
  it('limits are set deliberately: 128 KiB frames (uWS maxPayloadLength), 1 MiB backpressure, 64 KiB bodies', async () => {
    expect(SOCKET_LIMITS.maxHttpBufferSize).toBe(128 * 1024);
    expect(SOCKET_LIMITS.maxBackpressure).toBe(1024 * 1024);
    expect(MAX_BODY_BYTES).toBe(64 * 1024);
    const s = await startTestServer();
    try {
      // engine.io hands maxHttpBufferSize to uWS as maxPayloadLength (engine.io/build/userver.js).
      expect((s.app.io.engine as unknown as { opts: { maxHttpBufferSize: number } }).opts.maxHttpBufferSize).toBe(SOCKET_LIMITS.maxHttpBufferSize);
    } finally {
      await s.stop();
    }
  });

  it('REST per IP: 429 RATE_LIMITED past the budget, health checks exempt; headers; no secret in a trace log', async () => {
    db = await createTestDatabase();
    server = await spawnServer({ DATABASE_URL: db.url, BOT_TOKEN, LOG_LEVEL: 'trace', HTTP_RATE_LIMIT: '20' });
    const url = server.url;

    // Rate limit: 60 requests at once from one address → at most 20 answered, the rest 429.
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${url}/api/public/paper-trading/summary/`).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: { code: string } },
          retry: r.headers.get('retry-after'),
        })),
      ),
    );
    const limited = statuses.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(40);
    expect(limited[0]!.body.error?.code).toBe('RATE_LIMITED');
    expect(limited[0]!.retry).toBe('1');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fetch(`${url}/api/public/paper-trading/summary/`)).status).toBe(200);

    // Security headers: every answer is nosniff; pages carry a CSP; the dashboard may not be framed,
    // the embed page may.
    const api = await fetch(`${url}/api/public/paper-trading/`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    for (const page of ['/', '/bot-performance']) {
      const r = await fetch(`${url}${page}`);
      expect(r.status, page).toBe(200);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
    const embed = await fetch(`${url}/embed/ticker`);
    expect(embed.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(embed.headers.get('x-frame-options')).toBeNull();

    // Credentials in every place a caller can put them, right and wrong.
    const good = connectBot(url, BOT_TOKEN);
    await connected(good);
    await good
      .timeout(5000)
      .emitWithAck('signal', { external_id: 'log-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, token: BOT_TOKEN });
    good.close();
    const bad = connectBot(url, WRONG_TOKEN);
    // The wrong token is refused: the rejection is the point, the log line is what this test reads.
    await connected(bad).catch((err: unknown) => err);
    bad.close();
    for (const token of [BOT_TOKEN, WRONG_TOKEN]) {
      await fetch(`${url}/api/signals`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ symbol: 'x', token }) });
    }
    await fetch(`${url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ username: 'log_user', password: PASSWORD }) });
    await fetch(`${url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'log_user', password: PASSWORD }) });
    await fetch(`${url}/api/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'log_user', password: `${PASSWORD}x` }) });
    await fetch(`${url}/api/paper-trades`, { headers: { authorization: `Bearer ${WRONG_TOKEN}` } });
    await new Promise((r) => setTimeout(r, 300));
    const out = server.output();
    expect(out.length).toBeGreaterThan(0);
    const leaks = [BOT_TOKEN, WRONG_TOKEN, PASSWORD].filter((s) => out.includes(s));
    reportLine('abuse-limits', { restBurst: statuses.length, rateLimited: limited.length, logBytes: out.length, secretsInLog: leaks.length });
    expect(leaks).toEqual([]);
  }, 120_000);
});
