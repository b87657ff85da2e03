// ROLE=engine: wait for leadership (PostgreSQL advisory lock), then run the whole app (book, feed,
// /bot, writes) with the Redis Streams adapter, and publish the public snapshot for edges.
// A standby re-hydrates from the database when it takes over; its stream has a new epoch.
import type { Config } from '../config.ts';
import { startApp, type AppOptions } from '../app.ts';
import { acquireLeaderLock } from './leader-lock.ts';
import { connectRedisBus } from './redis-bus.ts';
import { SnapshotPublisher } from './snapshot-publisher.ts';
import { startStandbyServer } from './standby-server.ts';
import { UserStreamLeases } from './user-stream-leases.ts';
import { meNamespace } from '../transport/socket/io-server.ts';
import { shutdownSequence } from '../wiring/lifecycle.ts';
import type { RoleHandle } from './edge-app.ts';

export async function startEngine(config: Config, opts: AppOptions): Promise<RoleHandle> {
  const log = opts.log.child({ role: 'engine' });
  // main.ts installs its SIGTERM handler once we return; until then a standby stops here, cleanly.
  const standby = new AbortController();
  const stop = () => standby.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Until it leads, the port answers /healthz 200 and /readyz 503 (not the leader): a load balancer
  // checking /readyz never sends bots to a standby. Closed just before the app takes the same port.
  const probe = await startStandbyServer({ host: config.host, port: config.port, log });
  console.log(`\n  Paperbook engine standing by at ${probe.url} (/readyz 503 until it leads)\n`);
  const lock = await acquireLeaderLock({ databaseUrl: config.databaseUrl!, log, signal: standby.signal });
  probe.close();
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  if (!lock) {
    log.info('standby stopped before taking over');
    process.exit(0);
  }
  // Fencing by stopping: without the lock connection another engine may already be active, and two
  // writers of one book must never overlap. A supervisor restarts this process as a standby.
  lock.onLost(() => process.exit(1));

  const bus = await connectRedisBus({ url: config.redisUrl, clusterName: config.clusterName, log });
  const app = await startApp(config, { ...opts, adapter: bus.adapter });
  const publisher = new SnapshotPublisher(app.stream, bus.client, bus.keys, config.snapshotIntervalMs, log.child({ module: 'snapshot-publisher' }));
  await publisher.start();
  // /me for users on edges: their streams run here and reach the edges through the adapter.
  const leases = new UserStreamLeases(app.userStreams, log.child({ module: 'user-leases' }));
  leases.register(meNamespace(app.io));
  log.info({ epoch: app.stream.epoch }, 'active engine');

  return {
    port: app.port,
    url: app.url,
    database: app.database,
    close: shutdownSequence(
      [
        { name: 'snapshot publisher', run: () => publisher.stop() },
        { name: 'user stream leases', run: () => leases.stop() },
        { name: 'app', run: () => app.close() },
        { name: 'redis', run: () => bus.close() },
        { name: 'leadership lock', run: () => lock.release() },
      ],
      log,
    ),
  };
}
