// Issue 8.4 — slow viewers: 1% of /public viewers stop reading (raw engine.io clients whose TCP
// socket is paused). Healthy viewers keep their latency (tick → delta received), the server's
// memory stays bounded (uWS maxBackpressure: past it a socket's publishes are dropped), and a slow
// viewer that wakes up either was dropped or sees a seq gap it resyncs from: never a silent divergence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import type { DeltaJson, SnapshotJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connectPublic, connected } from '../helpers/sockets.ts';
import { SOAK, reportLine } from './support/soak.ts';

const VIEWERS = SOAK ? 400 : 100;
const PHASE_MS = SOAK ? 20_000 : 5_000;
const SYMBOLS = Array.from({ length: 500 }, (_, i) => `SLOW${i}USDT`);

let server: TestServer;
let bot: Socket;
const healthy: Socket[] = [];
const latencies: number[] = [];

beforeAll(async () => {
  server = await startTestServer({ BROADCAST_INTERVAL_MS: '20', HTTP_RATE_LIMIT: '0' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  // The stream carries prices of symbols with open public trades: one wide trade per symbol.
  for (const symbol of SYMBOLS) {
    const ack = (await bot.timeout(10_000).emitWithAck('signal', { external_id: symbol, symbol, direction: 'LONG', entry: 100, tp: 1000, sl: 1 })) as {
      ok: boolean;
    };
    if (!ack.ok) throw new Error(`setup signal failed: ${JSON.stringify(ack)}`);
  }
  for (let i = 0; i < VIEWERS - VIEWERS / 100; i++) {
    const s = connectPublic(server.url);
    // Latency of the marker symbol: the tick's ts is our send time.
    s.on('delta', (d: DeltaJson) => {
      for (const e of d.events) if (e.type === 'prices' && e.prices.SLOW0USDT) latencies.push(Date.now() - e.prices.SLOW0USDT[1]);
    });
    healthy.push(s);
  }
  await Promise.all(healthy.map((s) => connected(s, 20_000)));
}, 120_000);
afterAll(async () => {
  bot?.close();
  for (const s of healthy) s.close();
  await server?.stop();
});

/** A raw /public viewer that reads its snapshot, then stops reading (TCP paused) until woken. */
async function slowViewer(): Promise<{ ws: WebSocket; frames: string[]; closed: () => boolean; wake: () => void }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  let closed = false;
  ws.on('message', (d) => {
    const f = d.toString();
    if (f === '2')
      ws.send('3'); // engine.io ping → pong, so only backpressure can drop it
    else frames.push(f);
  });
  ws.on('close', () => (closed = true));
  ws.on('error', () => {});
  await new Promise<void>((r) => ws.once('open', () => r()));
  ws.send('40/public,');
  const until = Date.now() + 5000;
  while (!frames.some((f) => f.startsWith('42/public,["snapshot"')) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  raw.pause();
  return { ws, frames, closed: () => closed, wake: () => raw.resume() };
}

async function phase(ms = PHASE_MS): Promise<{ p50: number; p99: number; n: number }> {
  latencies.length = 0;
  const end = Date.now() + ms;
  let k = 0;
  while (Date.now() < end) {
    // 500 symbols per batch: big deltas, so a paused viewer's buffer fills fast.
    const ts = Date.now();
    await bot.timeout(20_000).emitWithAck('prices', { ticks: SYMBOLS.map((symbol, i) => ({ symbol, price: 100 + ((k + i) % 50) / 10, ts })) });
    k++;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 200));
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, n: sorted.length };
}

describe('slow viewers', () => {
  it(`1% of ${VIEWERS} viewers stop reading: healthy latency holds, memory bounded, no silent divergence`, async () => {
    await phase(1500); // warm-up (JIT, pools), not measured
    const baseline = await phase();
    const rssBefore = process.memoryUsage().rss;
    const slow = await Promise.all(Array.from({ length: Math.max(1, VIEWERS / 100) }, () => slowViewer()));
    const withSlow = await phase();
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

    // Wake the slow viewers: what they got must either end (dropped) or show a detectable seq gap.
    for (const s of slow) s.wake();
    await new Promise((r) => setTimeout(r, 1500));
    let gaps = 0;
    let dropped = 0;
    let contiguous = 0;
    let resynced = 0;
    for (const s of slow) {
      const seqs: number[] = [];
      let snap: SnapshotJson | null = null;
      for (const f of s.frames) {
        if (f.startsWith('42/public,["snapshot"')) snap = (JSON.parse(f.slice('42/public,'.length)) as [string, SnapshotJson])[1];
        if (f.startsWith('42/public,["delta"')) seqs.push((JSON.parse(f.slice('42/public,'.length)) as [string, DeltaJson])[1].seq);
      }
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!, 'seq never goes backwards or repeats').toBeGreaterThan(seqs[i - 1]!);
      const gap = seqs.some((q, i) => q !== (i === 0 ? snap!.seq + 1 : seqs[i - 1]! + 1));
      if (s.closed()) dropped++;
      else if (gap) {
        gaps++;
        // The client's move on a gap: resync → a fresh snapshot at the live seq.
        const before = s.frames.length;
        s.ws.send('42/public,["resync"]');
        const until = Date.now() + 5000;
        while (!s.frames.slice(before).some((f) => f.startsWith('42/public,["snapshot"')) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        const fresh = s.frames.slice(before).find((f) => f.startsWith('42/public,["snapshot"'));
        expect(fresh, 'a resync gets a snapshot').toBeDefined();
        expect((JSON.parse(fresh!.slice('42/public,'.length)) as [string, SnapshotJson])[1].seq).toBeGreaterThanOrEqual(seqs.at(-1) ?? 0);
        resynced++;
      } else contiguous++;
      s.ws.terminate();
    }
    const ratio = withSlow.p99 / Math.max(1, baseline.p99);
    reportLine('slow-viewers', {
      viewers: VIEWERS,
      slow: slow.length,
      baseline,
      withSlow,
      p99Ratio: Number(ratio.toFixed(2)),
      rssGrowthMb: Math.round(rssGrowthMb),
      dropped,
      gaps,
      resynced,
      contiguous,
    });
    expect(baseline.n).toBeGreaterThan(0);
    expect(withSlow.n).toBeGreaterThan(0);
    // Loose in `npm test` (shared CI machine); the strict 1.2× is the soak figure (docs/reliability.md).
    expect(withSlow.p99).toBeLessThanOrEqual(SOAK ? baseline.p99 * 1.2 + 5 : baseline.p99 * 3 + 50);
    expect(rssGrowthMb).toBeLessThan(300);
    expect(gaps + dropped + contiguous).toBe(slow.length);
  }, 180_000);
});
