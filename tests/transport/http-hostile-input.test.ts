// Issue 16 items 1, 2 and 11 (HTTP): one request can fail only itself. Malformed percent-encoding
// used to throw URIError out of the router and end the process; a path of slashes cost quadratic
// CPU in the static fallback; next/previous reflected the Host header; the page's CSP let it
// connect to any ws:/wss: host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { rawGet, type RawResponse } from '../helpers/raw-http.ts';

let server: TestServer;
let bot: Socket;

function errorOf(r: RawResponse): { code: string; message: string; field?: string } {
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  return (JSON.parse(r.body) as { error: { code: string; message: string; field?: string } }).error;
}

beforeAll(async () => {
  // A cap high enough that the slash bomb below reaches the path code (the cap is tested on its own).
  server = await startTestServer({ HTTP_MAX_URL_BYTES: '65536' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  for (let i = 0; i < 3; i++) {
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: `h-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
  }
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('malformed percent-encoding fails only its request (item 1)', () => {
  it.each([
    ['GET', '/api/paper-trades/%'],
    ['POST', '/api/paper-trades/%E0%A4%A/close'],
    ['GET', '/api/paper-trades/%ZZ'],
    ['GET', '/api/paper-trades/%C0%AF'],
  ])('%s %s → 400 VALIDATION_ERROR naming the param; the server still answers', async (method, path) => {
    const r = await rawGet(server.port, path, {}, method);
    expect(r.status).toBe(400);
    expect(errorOf(r)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'id' });
    expect((await rawGet(server.port, '/healthz')).status).toBe(200);
  });

  it('bad encoding outside a param is just an unknown path (404 with the error shape)', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/api/%ZZ/x', '/bot-performance/%']) {
      const r = await rawGet(server.port, path);
      expect(r.status, path).toBe(404);
      expect(errorOf(r).code).toBe('NOT_FOUND');
    }
  });
});

describe('long targets (item 2)', () => {
  it('past HTTP_MAX_URL_BYTES (path + query) → 414 with the error shape', async () => {
    const r = await rawGet(server.port, `/api/public/paper-trading/?symbol=${'A'.repeat(70_000)}`);
    expect(r.status).toBe(414);
    expect(errorOf(r)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'url' });
    const path = await rawGet(server.port, `/${'a/'.repeat(33_000)}`);
    expect(path.status).toBe(414);
  });

  it('the default cap is 8 KiB', async () => {
    const s = await startTestServer({}, { db: server.db, keepDatabase: true });
    try {
      expect((await rawGet(s.port, `/${'a'.repeat(8000)}`)).status).toBe(404);
      expect((await rawGet(s.port, `/${'a'.repeat(8200)}`)).status).toBe(414);
    } finally {
      await s.stop();
    }
  });

  it('a path of 60,000 slashes costs what any path of its length costs, and /healthz stays fast while five run', async () => {
    const slashes = `/a${'/'.repeat(60_000)}x`;
    const plain = `/a${'b'.repeat(60_000)}x`;
    // Baselines from this run: the same length without slashes, and /healthz alone.
    await rawGet(server.port, plain);
    const base = Math.min(...(await seq(3, () => rawGet(server.port, plain))).map((r) => r.ms));
    const healthBase = Math.min(...(await seq(5, () => rawGet(server.port, '/healthz'))).map((r) => r.ms));
    const one = await rawGet(server.port, slashes);
    expect(one.status).toBe(404);
    // Quadratic before the fix: ~1.2 s here for this path against ~1 ms for the plain one.
    expect(one.ms).toBeLessThan(20 * base + 400);
    const five = Array.from({ length: 5 }, () => rawGet(server.port, slashes));
    const health = await rawGet(server.port, '/healthz');
    await Promise.all(five);
    expect(health.status).toBe(200);
    // Before the fix /healthz waited behind all five (~6 s); generous for a loaded 2-core machine.
    expect(health.ms).toBeLessThan(20 * healthBase + 500);
  });
});

describe('links and CSP (item 11)', () => {
  it('next/previous never reflect the Host header: relative links without PUBLIC_URL', async () => {
    const r = await rawGet(server.port, '/api/public/paper-trading/?page_size=1&page=2', { host: 'evil.example' });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { next: string; previous: string };
    expect(r.raw).not.toContain('evil.example');
    expect(body.next).toBe('/api/public/paper-trading/?page_size=1&page=3');
    expect(body.previous).toBe('/api/public/paper-trading/?page_size=1&page=1');
  });

  it('with PUBLIC_URL, absolute links on that origin whatever the Host', async () => {
    const s = await startTestServer({ PUBLIC_URL: 'https://paper.example' }, { db: server.db, keepDatabase: true });
    try {
      const r = await rawGet(s.port, '/api/public/paper-trading/?page_size=1', { host: 'evil.example' });
      expect(JSON.parse(r.body).next).toBe('https://paper.example/api/public/paper-trading/?page_size=1&page=2');
      expect(r.raw).not.toContain('evil.example');
    } finally {
      await s.stop();
    }
  });

  it("the page's CSP connect-src is its own origin plus configured ones, never any ws:/wss: host", async () => {
    const page = await rawGet(server.port, '/bot-performance');
    expect(page.status, 'the page must be built (npm run build)').toBe(200);
    const connect = (csp: string | undefined) => /connect-src ([^;]*)/.exec(csp ?? '')?.[1]?.split(' ');
    expect(connect(page.headers['content-security-policy'])).toEqual(["'self'"]);
    const s = await startTestServer(
      { PUBLIC_URL: 'https://paper.example', CSP_CONNECT_SRC: 'wss://feed.example https://api.example' },
      { db: server.db, keepDatabase: true },
    );
    try {
      const p = await rawGet(s.port, '/bot-performance');
      expect(connect(p.headers['content-security-policy'])).toEqual(["'self'", 'wss://paper.example', 'wss://feed.example', 'https://api.example']);
    } finally {
      await s.stop();
    }
  });
});

async function seq<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}
