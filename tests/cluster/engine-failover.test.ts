// kill -9 the active engine: the standby takes the lock and re-hydrates within 5 s, no acked
// signal is lost, and viewers on an edge move to the new epoch with a fresh snapshot.
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import knex from 'knex';
import net from 'node:net';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { StreamClient, type PublicSocket } from '../../shared/stream-client.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { call, register } from '../users/user-client.ts';
import { clusterUnavailable, createCluster, loudSkip, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/engine-failover.test.ts', unavailable);

let cluster: Cluster | undefined;
afterAll(async () => {
  await cluster?.stop();
});

describe.skipIf(unavailable !== null)('engine failover', () => {
  it('standby takes over within 5 s of kill -9; acked signals survive; viewers resync to the new epoch', async () => {
    cluster = await createCluster();
    const active = cluster.start('engine');
    const activeUrl = await active.url;
    // A fixed port, as behind a load balancer: the standby's probe answers on it, then the app.
    const standbyPort = await freePort();
    const standby = cluster.start('engine', { LOG_LEVEL: 'info', PORT: String(standbyPort) });
    await waitFor(() => standby.output().includes('another engine holds the lock'), 30_000, 'standby waiting on the lock');
    const standbyUrl = `http://127.0.0.1:${standbyPort}`;
    expect((await fetch(`${standbyUrl}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${standbyUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, role: 'engine', leader: false, checks: { leader: expect.stringContaining('standby') } });
    for (const path of ['/api/signals', '/api/signals/text', '/api/webhooks/tradingview/t']) {
      expect((await fetch(`${standbyUrl}${path}`, { method: 'POST', body: '{}' })).status, path).toBe(503);
    }
    expect((await fetch(`${activeUrl}/readyz`)).status).toBe(200);
    const edgeUrl = await cluster.start('edge').url;

    const viewer = new StreamClient(io(`${edgeUrl}/public`, { transports: ['websocket'], autoConnect: false, forceNew: true }) as PublicSocket);
    viewer.start();
    await waitFor(() => viewer.status === 'live', 10_000, 'viewer live');
    const firstEpoch = viewer.epoch;
    // A user with an open manual trade, watching /me on the edge.
    // Users trade only symbols the feed prices (issue 16, item 8): a bot prices DOGEUSDT first.
    const pricer = connectBot(activeUrl, cluster.botToken);
    await connected(pricer);
    await pricer.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'DOGEUSDT', price: 0.2, ts: Date.now() }] });
    pricer.close();
    const anna = await register(activeUrl, 'anna');
    const own = await call(activeUrl, 'POST', '/api/paper-trades', {
      token: anna.token,
      body: { symbol: 'DOGEUSDT', direction: 'LONG', entry_price: 0.2, take_profit: 0.3, stop_loss: 0.1 },
    });
    expect(own.status).toBe(201);
    const me = new StreamClient(
      io(`${edgeUrl}/me`, { transports: ['websocket'], autoConnect: false, forceNew: true, auth: { token: anna.token } }) as PublicSocket,
    );
    me.start();
    await waitFor(() => me.status === 'live' && me.openPositions.has(own.body.id), 10_000, '/me live on the edge');
    const firstMeEpoch = me.epoch;

    // A burst with 10 in flight; the kill lands mid-burst.
    const bot = connectBot(activeUrl, cluster.botToken);
    await connected(bot);
    const acked: Array<{ signal: number; trade: number }> = [];
    let n = 0;
    let dead = false;
    const burst = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (!dead) {
          const i = n++;
          const ack = (await bot
            .timeout(2000)
            .emitWithAck('signal', { external_id: `fo-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50 })
            .catch(() => null)) as SignalAck | null;
          if (!ack) break;
          if (ack.ok) acked.push({ signal: ack.signal_id, trade: ack.trade_id! });
        }
      }),
    );
    await waitFor(() => acked.length >= 50, 10_000, '50 acks');
    const killedAt = Date.now();
    active.kill('SIGKILL');
    dead = true;
    await burst;
    bot.close();

    const newUrl = await standby.url;
    const takeoverMs = standby.liveAt - killedAt;
    await waitFor(() => viewer.epoch !== firstEpoch && viewer.status === 'live', 10_000, 'viewer on the new epoch');
    const viewerMs = Date.now() - killedAt;
    await waitFor(() => me.epoch !== firstMeEpoch && me.status === 'live', 10_000, '/me on the new engine');
    const meMs = Date.now() - killedAt;
    expect(me.openPositions.has(own.body.id)).toBe(true);
    console.log(
      `[cluster] failover: standby serving ${takeoverMs} ms after kill -9; viewer on the new epoch after ${viewerMs} ms, /me after ${meMs} ms; ${acked.length} signals acked before the kill`,
    );
    expect(takeoverMs).toBeLessThan(5000);
    expect(newUrl).toBe(standbyUrl);
    const ready = await fetch(`${newUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, role: 'engine', leader: true });

    // Nothing acked is lost: in the database, and open in the new engine's snapshot.
    for (const a of acked) expect(viewer.openPositions.has(a.trade), `acked trade ${a.trade}`).toBe(true);
    const k = knex({ client: 'pg', connection: cluster.db.url });
    try {
      const rows = (await k.raw('SELECT id FROM paper_trades WHERE user_id IS NULL')).rows as Array<{ id: string }>;
      const ids = new Set(rows.map((r) => Number(r.id)));
      for (const a of acked) expect(ids.has(a.trade)).toBe(true);
    } finally {
      await k.destroy();
    }

    // The new engine writes and streams: a fresh signal reaches the viewer in the new epoch.
    const bot2 = connectBot(newUrl, cluster.botToken);
    await connected(bot2);
    const ack = (await bot2.emitWithAck('signal', {
      external_id: 'after-failover',
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      entry: 100,
      tp: 90,
      sl: 110,
    })) as SignalAck;
    expect(ack.ok).toBe(true);
    await waitFor(() => ack.ok && viewer.openPositions.has(ack.trade_id!), 5000, 'post-failover open on the viewer');
    expect(viewer.gaps).toBe(0);
    bot2.close();
    viewer.stop();
    me.stop();
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
