// Issue 8.4, the drop path: a viewer that stops reading long enough to overflow the kernel buffers
// and uWS's maxBackpressure (1 MiB) loses deltas (uWS skips it on publish). Its StreamClient — the
// page's own client — must see the seq gap, resync and end up equal to a viewer that never stalled.
// The fast slow-viewers test is sized for latency; this one is sized to overflow (~3 MB/s of deltas).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { StreamClient, totalUnrealized, type PublicSocket } from '../../shared/stream-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { reportLine } from './support/soak.ts';

const SYMBOLS = Array.from({ length: 1000 }, (_, i) => `OVERFLOW${String(i).padStart(4, '0')}USDT`);
/** Kernel buffers on loopback (~4 MB send + 128 KB receive, unread) plus 1 MiB in uWS, with margin. */
const STALL_BYTES = 16 * 2 ** 20;

let server: TestServer;
let bot: Socket;

function streamClient(): { client: StreamClient; socket: Socket } {
  const socket = io(`${server.url}/public`, { transports: ['websocket'], autoConnect: false, reconnection: false, forceNew: true });
  const client = new StreamClient(socket as unknown as PublicSocket);
  client.start();
  return { client, socket };
}

/** The TCP socket under a socket.io-client connection (engine.io-client → ws). */
function rawSocket(s: Socket): import('node:net').Socket {
  const transport = (s.io as unknown as { engine: { transport: { ws: { _socket: import('node:net').Socket } } } }).engine.transport;
  return transport.ws._socket;
}

beforeAll(async () => {
  server = await startTestServer({ BROADCAST_INTERVAL_MS: '10' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  // Prices reach the stream only for symbols with open public trades: one wide trade per symbol.
  for (let i = 0; i < SYMBOLS.length; i += 50) {
    await Promise.all(
      SYMBOLS.slice(i, i + 50).map(async (symbol) => {
        const ack = (await bot.timeout(20_000).emitWithAck('signal', { external_id: symbol, symbol, direction: 'LONG', entry: 100, tp: 1000, sl: 1 })) as {
          ok: boolean;
        };
        if (!ack.ok) throw new Error(`setup signal failed: ${JSON.stringify(ack)}`);
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('slow viewer overflow', () => {
  it('a stalled viewer loses deltas past maxBackpressure, sees the gap, resyncs and converges; memory stays bounded', async () => {
    const healthy = streamClient();
    const slow = streamClient();
    await waitFor(() => healthy.client.status === 'live' && slow.client.status === 'live', 10_000, 'both viewers live');
    let disconnects = 0;
    slow.socket.on('disconnect', () => disconnects++);
    let deltaBytes = 0;
    healthy.socket.on('delta', (d: unknown) => (deltaBytes += JSON.stringify(d).length));

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    rawSocket(slow.socket).pause();
    let k = 0;
    const pump = async (until: () => boolean, maxMs: number): Promise<void> => {
      const end = Date.now() + maxMs;
      while (!until() && Date.now() < end) {
        const ts = Date.now();
        await bot.timeout(20_000).emitWithAck('prices', { ticks: SYMBOLS.map((symbol, i) => ({ symbol, price: 100 + ((k + i) % 97) / 10, ts })) });
        k++;
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        await new Promise((r) => setTimeout(r, 8));
      }
    };
    await pump(() => deltaBytes >= STALL_BYTES, 60_000);
    const stalledFor = deltaBytes;
    expect(stalledFor, 'enough deltas were offered to overflow the stalled viewer').toBeGreaterThanOrEqual(STALL_BYTES);
    const gapsBefore = slow.client.gaps;

    // Wake it while the stream keeps going: it must notice what it missed and resync.
    rawSocket(slow.socket).resume();
    await pump(() => slow.client.gaps > gapsBefore || disconnects > 0, 20_000);
    expect(slow.client.gaps + disconnects, 'the stalled viewer was skipped (seq gap) or dropped').toBeGreaterThan(0);
    await pump(() => slow.client.status === 'live', 10_000);
    expect(slow.client.status).toBe('live');

    // Quiet stream: both clients must hold exactly the same state.
    await new Promise((r) => setTimeout(r, 300));
    await waitFor(() => slow.client.seq === healthy.client.seq, 5000, 'same seq');
    expect(slow.client.epoch).toBe(healthy.client.epoch);
    expect(slow.client.seq).toBe(healthy.client.seq);
    expect([...slow.client.openPositions.keys()].sort()).toEqual([...healthy.client.openPositions.keys()].sort());
    expect(new Map([...slow.client.prices].map(([s, p]) => [s, p.price]))).toEqual(new Map([...healthy.client.prices].map(([s, p]) => [s, p.price])));
    // The summary's unrealised figure is as of its last event (open/close/snapshot); the page shows the
    // live one, computed from prices by the shared math: that is what must agree.
    const { unrealized_profit_loss: _u1, ...slowSummary } = slow.client.summary!;
    const { unrealized_profit_loss: _u2, ...healthySummary } = healthy.client.summary!;
    expect(slowSummary).toEqual(healthySummary);
    const live = (c: StreamClient) => totalUnrealized(c.openPositions.values(), c.prices, c.feeRate);
    expect(live(slow.client)).toEqual(live(healthy.client));
    expect(healthy.client.gaps, 'the healthy viewer saw a contiguous stream').toBe(0);

    const rssGrowthMb = (rssPeak - rssBefore) / 2 ** 20;
    reportLine('slow-viewer-overflow', {
      offeredMb: Math.round(stalledFor / 2 ** 20),
      gaps: slow.client.gaps,
      resyncs: slow.client.resyncs,
      disconnects,
      rssGrowthMb: Math.round(rssGrowthMb),
    });
    // The server keeps at most maxBackpressure per socket: a stalled viewer costs ≤ 1 MiB, not the 16 MB offered.
    expect(rssGrowthMb).toBeLessThan(200);
    healthy.client.stop();
    slow.client.stop();
  }, 180_000);
});
