// kill -9 an edge: its viewers (behind a load balancer) reconnect to another edge and resync from
// its snapshot, in the same epoch, and the stream continues without a gap.
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { StreamClient, type PublicSocket } from '../../shared/stream-client.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { clusterUnavailable, createCluster, loudSkip, type Cluster } from './cluster-procs.ts';
import { FailoverProxy } from './lb-proxy.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/edge-failover.test.ts', unavailable);

let cluster: Cluster | undefined;
let lb: FailoverProxy | undefined;
afterAll(async () => {
  await lb?.stop();
  await cluster?.stop();
});

describe.skipIf(unavailable !== null)('edge failover', () => {
  it('viewers of a killed edge reconnect to another edge and resync', async () => {
    cluster = await createCluster();
    const engineUrl = await cluster.start('engine').url;
    const edgeA = cluster.start('edge');
    const edgeB = cluster.start('edge');
    const [urlA, urlB] = await Promise.all([edgeA.url, edgeB.url]);
    const portA = Number(new URL(urlA).port);
    const portB = Number(new URL(urlB).port);
    lb = await new FailoverProxy([portA, portB]).start();

    const bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
    let price = 100;
    const ticker = setInterval(() => bot.emit('prices', { ticks: [{ symbol: 'BTCUSDT', price: (price += 0.01), ts: Date.now() }] }), 10);
    try {
      const viewers = Array.from({ length: 5 }, () => {
        const socket = io(`http://127.0.0.1:${lb!.port}/public`, {
          transports: ['websocket'],
          autoConnect: false,
          forceNew: true,
          reconnectionDelay: 100,
          reconnectionDelayMax: 300,
        });
        const v = new StreamClient(socket as PublicSocket);
        v.start();
        return v;
      });
      await waitFor(() => viewers.every((v) => v.status === 'live'), 10_000, 'viewers live on edge A');
      expect(lb.served.get(portA)).toBe(5);
      await bot.emitWithAck('signal', { external_id: 'ef-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50 });
      await waitFor(() => viewers.every((v) => v.openPositions.size === 1), 5000, 'open seen on edge A');
      const epoch = viewers[0]!.epoch;

      const killedAt = Date.now();
      edgeA.kill('SIGKILL');
      await waitFor(() => viewers.every((v) => v.status !== 'live'), 5000, 'viewers notice the dead edge');
      await waitFor(() => viewers.every((v) => v.status === 'live'), 10_000, 'viewers live again on edge B');
      const back = Date.now() - killedAt;
      console.log(`[cluster] edge kill -9: 5 viewers live again on the other edge after ${back} ms`);
      expect(lb.served.get(portB)).toBe(5);
      expect(viewers.every((v) => v.epoch === epoch)).toBe(true);

      // The stream continues through edge B: a new open arrives, seq contiguous (no gap counted).
      const seqBefore = viewers.map((v) => v.seq);
      await bot.emitWithAck('signal', { external_id: 'ef-2', symbol: 'BTCUSDT', direction: 'SHORT', entry: 100, tp: 50, sl: 200 });
      await waitFor(() => viewers.every((v) => v.openPositions.size === 2), 5000, 'open seen on edge B');
      viewers.forEach((v, i) => expect(v.seq).toBeGreaterThan(seqBefore[i]!));
      expect(viewers.reduce((s, v) => s + v.gaps, 0)).toBe(0);
      for (const v of viewers) v.stop();
    } finally {
      clearInterval(ticker);
      bot.close();
    }
  }, 120_000);
});
