// On an edge, a delta relayed by the Redis Streams adapter still ends in ONE uWS publish to the
// stream topic (socket.io's uws patch of Adapter.prototype.broadcast, reached through
// ClusterAdapter.onMessage → super.broadcast), not one write per viewer.
import { afterAll, describe, expect, it } from 'vitest';
import uWS from 'uWebSockets.js';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startEdge, type EdgeHandle } from '../../server/cluster/edge-app.ts';
import { connectBot, connectPublic, connected, Recorder } from '../helpers/sockets.ts';
import { clusterUnavailable, createCluster, loudSkip, REDIS_URL, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/uws-fast-path.test.ts', unavailable);

let cluster: Cluster | undefined;
let edge: EdgeHandle | undefined;
afterAll(async () => {
  await edge?.close();
  await cluster?.stop();
});

describe.skipIf(unavailable !== null)('uWS fast path on an edge', () => {
  it('each relayed delta is one app.publish to the stream topic, whatever the number of viewers', async () => {
    cluster = await createCluster();
    const engineUrl = await cluster.start('engine').url;

    const topics: string[] = [];
    const realApp = uWS.App;
    (uWS as { App: typeof uWS.App }).App = ((...args: Parameters<typeof uWS.App>) => {
      const app = realApp(...args);
      const publish = app.publish.bind(app);
      app.publish = (topic, message, isBinary, compress) => {
        topics.push(String(topic));
        return publish(topic, message, isBinary, compress);
      };
      return app;
    }) as typeof uWS.App;
    try {
      const config = loadConfig({
        ROLE: 'edge',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: cluster.db.url,
        REDIS_URL,
        CLUSTER_NAME: cluster.name,
        LOG_LEVEL: 'silent',
      });
      edge = await startEdge(config, { log: createLogger('silent') });
    } finally {
      (uWS as { App: typeof uWS.App }).App = realApp;
    }
    const edgeUrl = `http://127.0.0.1:${edge.port}`;
    const viewers = Array.from({ length: 5 }, () => new Recorder(connectPublic(edgeUrl)));
    for (const v of viewers) await v.until(() => v.snapshots.length === 1, 10_000, 'snapshot');

    const bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
    topics.length = 0;
    for (let i = 0; i < 10; i++) {
      await bot.emitWithAck('signal', { external_id: `fp-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    }
    for (const v of viewers) await v.until(() => v.events().filter((e) => e.type === 'opened').length === 10, 5000, 'opens');
    const streamPublishes = topics.filter((t) => t === '/public\x1fstream').length;
    const deltas = viewers[0]!.deltas.length;
    console.log(`[cluster] edge: ${deltas} relayed deltas → ${streamPublishes} uWS publishes to /public␟stream for ${viewers.length} viewers`);
    expect(deltas).toBeGreaterThan(0);
    expect(streamPublishes).toBe(deltas);
    bot.close();
    for (const v of viewers) v.socket.close();
  }, 90_000);
});
