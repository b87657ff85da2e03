// Issue 16 item 3: what one connection and one address may cost the Socket.IO server. A
// connection that keeps sending namespace CONNECTs is closed after SOCKET_MAX_CONNECTS (each /me
// CONNECT was a PostgreSQL token lookup, unbounded); CONNECTs per IP per second past
// SOCKET_CONNECTS_PER_IP get connect_error `rate_limited`; connections per IP past
// MAX_SOCKETS_PER_IP are refused at the handshake. Other addresses (127.0.0.2) are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectPublic, waitFor } from '../helpers/sockets.ts';
import { openRaw, type FloodResult } from './support/socket-flood.ts';

let server: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_SOCKETS_PER_IP: '4', SOCKET_CONNECTS_PER_IP: '6', SOCKET_MAX_CONNECTS: '5' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
});

const fresh = (): FloodResult => ({ opened: 0, refused: 0, sent: 0, connectErrors: 0, snapshots: 0, distinctHeads: 0, bytes: 0, closedByServer: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects a /public viewer; resolves with 'connected' or the connect_error message. */
function tryPublic(localAddress?: string): Promise<string> {
  const s = localAddress
    ? io(`${server.url}/public`, { transports: ['websocket'], reconnection: false, forceNew: true, localAddress } as Parameters<typeof io>[1])
    : connectPublic(server.url);
  sockets.push(s);
  return new Promise((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (e) => resolve(e.message));
  });
}

function closeAll(): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  return waitFor(() => server.app.io.engine.clientsCount === 0, 5000, 'all connections closed');
}

describe('socket connection limits', () => {
  it('a connection that floods /me CONNECTs is closed after SOCKET_MAX_CONNECTS, with few token lookups answered', async () => {
    const seen = fresh();
    const raw = (await openRaw(server.url, seen))!;
    for (let i = 0; i < 2000; i++) raw.ws.send(`40/me,{"token":"${'x'.repeat(40)}"}`);
    await waitFor(() => raw.closed, 5000, 'the server closing the flooding connection');
    await sleep(200);
    // Each answer is one CONNECT that ran the middlewares (the token lookup): at most the limit.
    expect(seen.connectErrors).toBeLessThanOrEqual(5);
    expect(seen.closedByServer).toBe(1);
    await closeAll();
  });

  it('a well-behaved client still connects to /public and /me on one connection', async () => {
    const seen = fresh();
    const raw = (await openRaw(server.url, seen))!;
    raw.ws.send('40/public,{}');
    raw.ws.send('40/me,{}');
    await waitFor(() => seen.snapshots === 1 && seen.connectErrors === 1, 5000, 'snapshot and unauthorized');
    expect(raw.closed).toBe(false);
    raw.ws.terminate();
    await closeAll();
  });

  it('CONNECTs per IP per second past SOCKET_CONNECTS_PER_IP get connect_error rate_limited; another IP is unaffected', async () => {
    await sleep(1100); // a fresh one-second window
    const results: string[] = [];
    // Over several connections (4 at a time, the socket cap), 20 CONNECTs: they may straddle two
    // one-second windows, so at most 12 pass.
    for (let round = 0; round < 5; round++) {
      const batch = await Promise.all(Array.from({ length: 4 }, () => tryPublic()));
      results.push(...batch);
      for (const s of sockets.splice(0)) s.close();
      await waitFor(() => server.app.io.engine.clientsCount === 0, 5000, 'closed');
    }
    expect(results.filter((r) => r === 'rate_limited').length).toBeGreaterThanOrEqual(8);
    expect(results.filter((r) => r === 'connected').length).toBeLessThanOrEqual(12);
    expect(await tryPublic('127.0.0.2')).toBe('connected');
    await closeAll();
    await sleep(1100);
    expect(await tryPublic()).toBe('connected'); // the limit is per second, not a ban
    await closeAll();
  });

  it('connections per IP past MAX_SOCKETS_PER_IP are refused at the handshake; a closed one frees its place', async () => {
    await sleep(1100);
    const four = await Promise.all(Array.from({ length: 4 }, () => tryPublic()));
    expect(four).toEqual(['connected', 'connected', 'connected', 'connected']);
    const fifth = await tryPublic();
    expect(fifth).not.toBe('connected');
    expect(await tryPublic('127.0.0.3')).toBe('connected');
    sockets[0]!.close();
    await sleep(1100);
    expect(await tryPublic()).toBe('connected');
    await closeAll();
  });
});
