// Viewers turned away by the per-IP CONNECT rate (connect_error `rate_limited`, e.g. many viewers behind
// one NAT reconnecting after a restart) come back by themselves: socket.io-client does not retry a
// middleware refusal, so the page's StreamClient does, after the server's retry_after_ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { StreamClient, type ConnectionStatus, type PublicSocket } from '../../shared/stream-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/sockets.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SOCKET_CONNECTS_PER_IP: '2' });
});
afterAll(async () => server?.stop());

describe('StreamClient after connect_error rate_limited', () => {
  it('every viewer of a burst from one address ends up live', { timeout: 30_000 }, async () => {
    const refusals: string[] = [];
    const clients = Array.from({ length: 6 }, () => {
      const socket = io(`${server.url}/public`, { autoConnect: false, transports: ['websocket'], forceNew: true }) as PublicSocket;
      socket.on('connect_error', (e) => refusals.push(e.message));
      const client = new StreamClient(socket);
      client.start();
      return { client, status: (): ConnectionStatus => client.status };
    });
    try {
      await waitFor(() => clients.every((c) => c.status() === 'live'), 20_000, 'all six viewers live');
      expect(refusals).toContain('rate_limited'); // the burst was refused at first: the limit applied
    } finally {
      for (const c of clients) c.client.stop();
    }
  });
});
