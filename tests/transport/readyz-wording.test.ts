// /readyz says which check failed, never the driver's message (issue 16, item 11): with the database
// cut, the body is {"database":"unreachable"} and names no host, port, role or driver error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

let db: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  const u = new URL(db.url);
  proxy = await new TcpProxy(u.hostname, Number(u.port)).start();
  server = await startTestServer({}, { db: { ...db, url: proxy.url(db.url) } });
});
afterAll(async () => {
  proxy.restore();
  await server?.stop();
  await proxy?.stop();
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

describe('/readyz with the database unreachable', () => {
  it('names the failed check, with no driver text', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    proxy.cut();
    const res = await fetch(`${server.url}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text).checks).toMatchObject({ database: 'unreachable' });
    expect(text).not.toMatch(/error|ECONN|timeout|terminat|127\.0\.0\.1|postgres/i);
    proxy.restore();
  }, 30_000);
});
