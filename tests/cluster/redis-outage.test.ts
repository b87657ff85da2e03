// Redis cut for ~6 s (a TCP proxy between every process and Redis) under a steady stream of signals,
// closes and a user's manual trades: the engine keeps acking (durably) and closing, nothing crashes,
// edges' /readyz turns 503, and once Redis returns every viewer on the edges (public and /me)
// converges on the engine's state with no acked signal lost. Measures the convergence time.
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import knex from 'knex';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { StreamClient, type PublicSocket } from '../../shared/stream-client.ts';
import { RECENT_CLOSED_LIMIT } from '../../server/engine/public-state.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { call, register } from '../users/user-client.ts';
import { clusterUnavailable, createCluster, loudSkip, REDIS_URL, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/redis-outage.test.ts', unavailable);

const OUTAGE_MS = 6_000;

let cluster: Cluster | undefined;
let proxy: TcpProxy | undefined;
afterAll(async () => {
  await cluster?.stop();
  await proxy?.stop();
});

function viewer(url: string, nsp: '/public' | '/me', token?: string): StreamClient {
  const socket = io(`${url}${nsp}`, { transports: ['websocket'], autoConnect: false, forceNew: true, auth: token ? { token } : {} });
  const c = new StreamClient(socket as unknown as PublicSocket);
  c.start();
  return c;
}

/** What two viewers of the same stream must agree on (unrealised P/L aside: rounding order differs). */
function state(c: StreamClient): string {
  const { unrealized_profit_loss: _u, ...summary } = c.summary ?? ({} as Record<string, unknown>);
  return JSON.stringify({
    epoch: c.epoch,
    open: [...c.openPositions.keys()].sort((a, b) => a - b),
    // A snapshot carries the last RECENT_CLOSED_LIMIT closes; a client that saw more keeps more.
    recent: c.recentClosed.slice(0, RECENT_CLOSED_LIMIT).map((t) => t.id),
    summary,
  });
}

describe.skipIf(unavailable !== null)('Redis outage', () => {
  it('engine keeps trading, nothing crashes, edges report it and converge when Redis returns', async () => {
    const target = new URL(REDIS_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    const viaProxy = `redis://${target.username ? `${target.username}:${target.password}@` : ''}127.0.0.1:${proxy.port}`;
    cluster = await createCluster();
    const engine = cluster.start('engine', { REDIS_URL: viaProxy, LOG_LEVEL: 'info' });
    const engineUrl = await engine.url;
    const edges = [cluster.start('edge', { REDIS_URL: viaProxy, LOG_LEVEL: 'info' }), cluster.start('edge', { REDIS_URL: viaProxy, LOG_LEVEL: 'info' })];
    const [edge1, edge2] = await Promise.all(edges.map((e) => e.url));

    const bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
    let ts = Date.now();
    const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
    await tick('BTCUSDT', 100);
    await tick('DOGEUSDT', 0.2);
    const anna = await register(engineUrl, 'anna');
    const manual = (body: Record<string, unknown>) => call(engineUrl, 'POST', '/api/paper-trades', { token: anna.token, body });
    const DOGE = { symbol: 'DOGEUSDT', direction: 'LONG', entry_price: 0.2, take_profit: 0.5, stop_loss: 0.1 };
    expect((await manual(DOGE)).status).toBe(201);

    const reference = viewer(engineUrl, '/public');
    const annaOnEngine = viewer(engineUrl, '/me', anna.token);
    const onEdges = [viewer(edge1!, '/public'), viewer(edge2!, '/public')];
    const annaOnEdge = viewer(edge1!, '/me', anna.token);
    const all = [reference, annaOnEngine, ...onEdges, annaOnEdge];
    await waitFor(() => all.every((c) => c.status === 'live'), 15_000, 'every viewer live');
    await waitFor(() => annaOnEdge.openPositions.size === 1, 5_000, "anna's trade on edge 1");

    // Load: signals one after another (BTC LONG 100 → TP 105), and every 10 acks a tick through TP
    // and back, so trades open and close all along, outage included.
    const acked: number[] = [];
    let running = true;
    let n = 0;
    const load = (async () => {
      while (running) {
        const ack = (await bot
          .timeout(3000)
          .emitWithAck('signal', { external_id: `ro-${n++}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 105, sl: 90 })
          .catch(() => null)) as SignalAck | null;
        if (ack?.ok) acked.push(ack.trade_id!);
        if (n % 10 === 0) {
          await tick('BTCUSDT', 106);
          await tick('BTCUSDT', 100);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await waitFor(() => acked.length >= 30, 10_000, '30 acks before the cut');

    proxy.cut();
    const cutAt = Date.now();
    const ackedAtCut = acked.length;
    // Edges say so; the engine (no Redis needed to trade) stays ready for bots.
    for (const url of [edge1, edge2]) {
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, 5_000, `${url} /readyz 503`);
      const body = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, unknown> };
      expect(body.checks.redis).not.toBe(true);
    }
    expect((await fetch(`${engineUrl}/readyz`)).status).toBe(200);
    // Anna's trades move during the outage too: one closes, one opens.
    const before = [...annaOnEngine.openPositions.keys()][0]!;
    expect((await call(engineUrl, 'POST', `/api/paper-trades/${before}/close`, { token: anna.token })).status).toBe(200);
    expect((await manual({ ...DOGE, entry_price: 0.21 })).status).toBe(201);
    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - cutAt)));
    const ackedInOutage = acked.length - ackedAtCut;
    running = false;
    await load;
    expect(ackedInOutage).toBeGreaterThan(20);

    // Nobody died of the outage (an unhandled rejection from the adapter's pub/sub publish did).
    for (const p of [engine, ...edges]) expect(p.child.exitCode, `${p.role} exited during the outage:\n${p.output().slice(-2000)}`).toBeNull();

    // Redis returns with the stream quiet: convergence must not need more traffic.
    proxy.restore();
    const restoredAt = Date.now();
    await waitFor(() => onEdges.every((c) => c.status === 'live' && state(c) === state(reference)), 20_000, 'public viewers on edges converge').catch(
      (err: unknown) => {
        for (const c of [reference, ...onEdges]) console.log(c.status, c.seq, state(c).slice(0, 300));
        for (const p of [engine, ...edges])
          console.log(
            p.role,
            p
              .output()
              .split('\n')
              .filter((l) => !/"level":30,.*"msg":"request/.test(l))
              .slice(-40)
              .join('\n'),
          );
        throw err;
      },
    );
    const publicMs = Date.now() - restoredAt;
    await waitFor(() => annaOnEdge.status === 'live' && state(annaOnEdge) === state(annaOnEngine), 20_000, "anna's /me on edge 1 converges");
    const meMs = Date.now() - restoredAt;
    for (const url of [edge1, edge2]) await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 10_000, `${url} ready again`);
    const readyMs = Date.now() - restoredAt;
    console.log(
      `[cluster] Redis outage ${OUTAGE_MS} ms: ${ackedInOutage} signals acked during it (${acked.length} in all); after Redis returned: public viewers on edges converged in ${publicMs} ms, /me in ${meMs} ms, edges ready in ${readyMs} ms`,
    );
    expect(annaOnEdge.openPositions.size).toBe(1);

    // Nothing acked is lost, and no process died or logged an unhandled error.
    const k = knex({ client: 'pg', connection: cluster.db.url });
    try {
      const rows = (await k.raw('SELECT id FROM paper_trades WHERE user_id IS NULL')).rows as Array<{ id: string }>;
      const ids = new Set(rows.map((r) => Number(r.id)));
      for (const id of acked) expect(ids.has(id), `acked trade ${id}`).toBe(true);
    } finally {
      await k.destroy();
    }
    for (const p of [engine, ...edges]) {
      expect(p.child.exitCode, `${p.role} exit`).toBeNull();
      expect(p.output()).not.toMatch(/unhandled|uncaught/i);
    }

    // The stream works on after: a fresh signal reaches every edge viewer in order.
    const ack = (await bot.emitWithAck('signal', {
      external_id: 'after-outage',
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      entry: 100,
      tp: 90,
      sl: 110,
    })) as SignalAck;
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await waitFor(() => onEdges.every((c) => c.openPositions.has(ack.trade_id!)), 5_000, 'post-outage open on every edge viewer');
    bot.close();
    for (const c of all) c.stop();
  }, 120_000);
});
