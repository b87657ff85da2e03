// Issue 16 items 3 and 6, as an attacker runs them, against a real server process with the
// production defaults and 5,000 open system trades, prices ticking every 100 ms: at once, a resync
// flood (10 raw sockets, `resync` every 20 ms), a /me CONNECT flood (4 raw sockets sending CONNECTs
// as fast as they drain) and 200 sockets from one IP. A healthy viewer on another address keeps
// its contiguous delta stream and gets a snapshot when it resyncs; /healthz's p99 stays within
// 2× of its baseline measured in this run (counted as at least 75 ms), and the server's RSS grows by less than 250 MB.
// (Before the fix, on this machine: /healthz p99 1.05 s under the resync flood alone, 16.3 s and
// RSS +1.6 GB under all three.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { spawnServer, terminate, type ChildServer } from '../reliability/support/child-server.ts';
import { Recorder, waitFor } from '../helpers/sockets.ts';
import { floodProcess, measure, openTrades, p99, procStats, tickPrices } from './support/abuse-scenario.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

const BOT_TOKEN = 'abuse-bot-token-Qw3Er5Ty7Ui9';
const MB = 1024 * 1024;
/**
 * Loopback /healthz round trips are ~1–3 ms, a shared 2-core machine's scheduling noise is tens of
 * ms, and one snapshot build at 5,000 trades holds the loop for up to ~50 ms by itself: the
 * baseline counts as at least this much (before the fix the same floods gave p99 1.2–16 s).
 */
const BASELINE_FLOOR_MS = 75;

let db: TestDatabase;
let server: ChildServer;
let viewer: Socket;
let stopTicks = () => {};

beforeAll(async () => {
  db = await createTestDatabase();
  server = await spawnServer({ DATABASE_URL: db.url, BOT_TOKEN, PRICE_STALE_MS: '600000' });
  await openTrades(server.url, BOT_TOKEN, 5000);
  stopTicks = await tickPrices(server.url, BOT_TOKEN, 100);
}, 120_000);

afterAll(async () => {
  stopTicks();
  viewer?.close();
  if (server) await terminate(server);
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

describe('socket abuse', () => {
  it('a resync flood gets snapshots of at most SNAPSHOT_BUILDS_PER_S heads per second, and /healthz stays within 2× of its baseline', async () => {
    const baseline = await measure(server.url, server.pid, new Promise((r) => setTimeout(r, 3000)));
    const flood = floodProcess({ url: server.url, kind: 'resync', sockets: 10, everyMs: 20, durationMs: 6500, localAddress: '127.0.0.5' });
    await new Promise((r) => setTimeout(r, 1500));
    const attack = await measure(server.url, server.pid, flood, 4000);
    const r = await flood;
    console.log(
      `resync flood: /healthz p99 ${p99(baseline.healthz).toFixed(1)} → ${p99(attack.healthz).toFixed(1)} ms; CPU ${baseline.cpuPct.toFixed(0)} → ${attack.cpuPct.toFixed(0)} %; ${r.snapshots} snapshots of ${r.distinctHeads} heads for ${r.sent} resyncs`,
    );
    // Prices move the seq ~10 times a second; 40 resyncs a second used to build 40 snapshots of ~10 heads.
    expect(r.snapshots).toBeGreaterThan(10); // deferred, not refused
    expect(r.distinctHeads).toBeLessThanOrEqual(4 * 7 + 2); // 6.5 s of flood, and its start
    expect(p99(attack.healthz)).toBeLessThanOrEqual(2 * Math.max(p99(baseline.healthz), BASELINE_FLOOR_MS));
  }, 60_000);

  it('CONNECT flood, resync flood and 200 sockets from one IP, at once, leave a healthy viewer and /healthz unharmed', async () => {
    viewer = io(`${server.url}/public`, { transports: ['websocket'], reconnection: false, forceNew: true, localAddress: '127.0.0.9' } as Parameters<
      typeof io
    >[1]);
    const rec = new Recorder(viewer);
    await rec.until(() => rec.snapshots.length === 1, 10_000, 'the viewer snapshot');
    expect(rec.snapshots[0]!.open_positions.length).toBe(5000);

    const baseline = await measure(server.url, server.pid, new Promise((r) => setTimeout(r, 4000)));
    const rss0 = procStats(server.pid).rss;
    const deltasBefore = rec.deltas.length;

    const floods = Promise.all([
      // One attacker, three addresses: each flood meets the per-IP limits on its own.
      floodProcess({ url: server.url, kind: 'resync', sockets: 10, everyMs: 20, durationMs: 7500, localAddress: '127.0.0.2' }),
      floodProcess({ url: server.url, kind: 'connect', sockets: 4, durationMs: 7500, nsp: '/me', auth: { token: 'f'.repeat(40) }, localAddress: '127.0.0.3' }),
      floodProcess({ url: server.url, kind: 'sockets', sockets: 200, durationMs: 7500, localAddress: '127.0.0.4' }),
    ]);
    // Midway, the healthy viewer resyncs: it must get a snapshot (deferred perhaps, never none).
    const resynced = new Promise<void>((resolve) => {
      setTimeout(() => {
        const had = rec.snapshots.length;
        viewer.emit('resync');
        void waitFor(() => rec.snapshots.length > had, 15_000, 'the viewer resync snapshot').then(resolve);
      }, 3500);
    });
    // The flood processes start (tsx, sockets) first: their start-up is client CPU, not the server's.
    await new Promise((r) => setTimeout(r, 1500));
    const attack = await measure(server.url, server.pid, floods, 5000);
    const [resync, connect, sockets] = await floods;
    await resynced;

    const base99 = p99(baseline.healthz);
    const attack99 = p99(attack.healthz);
    console.log(
      `socket abuse: /healthz p99 baseline ${base99.toFixed(1)} ms, under attack ${attack99.toFixed(1)} ms; ` +
        `server CPU ${baseline.cpuPct.toFixed(0)} % → ${attack.cpuPct.toFixed(0)} %; RSS ${(rss0 / MB).toFixed(0)} → peak ${(attack.peakRss / MB).toFixed(0)} MB; ` +
        `resync flood got ${resync.snapshots} snapshots for ${resync.sent} resyncs on ${resync.opened} sockets; CONNECT flood sent ${connect.sent}, answered ${connect.connectErrors}, closed ${connect.closedByServer}; ` +
        `200 sockets: ${sockets.opened} opened, ${sockets.refused} refused; slowest probes ${attack.healthz
          .slice(-5)
          .map((x) => x.toFixed(0))
          .join(', ')} ms of ${attack.healthz.length} (baseline ${baseline.healthz
          .slice(-3)
          .map((x) => x.toFixed(0))
          .join(', ')} of ${baseline.healthz.length})`,
    );
    expect(attack99).toBeLessThanOrEqual(2 * Math.max(base99, BASELINE_FLOOR_MS));
    expect(attack.peakRss - rss0).toBeLessThan(250 * MB);
    // The floods were bounded, not merely survived.
    expect(resync.snapshots).toBeGreaterThan(10);
    expect(connect.closedByServer).toBe(4);
    expect(sockets.opened).toBeLessThanOrEqual(64);
    expect(sockets.refused).toBeGreaterThanOrEqual(136);
    // The healthy viewer's stream went on, contiguous, and its resync snapshot continues it.
    expect(rec.deltas.length).toBeGreaterThan(deltasBefore);
    const last = rec.snapshots.at(-1)!;
    const after = rec.deltas.filter((d) => d.seq > last.seq);
    after.forEach((d, i) => expect(d.seq).toBe(last.seq + 1 + i));
  }, 120_000);
});
