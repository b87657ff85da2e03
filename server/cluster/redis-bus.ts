// Redis for the cluster roles: one command client (snapshot key, adapter publishes) and the
// Socket.IO Redis Streams adapter on `${CLUSTER_NAME}:sio`. Every key is under CLUSTER_NAME.
import { createClient, type RedisClientType } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from '../logger.ts';

export interface RedisBus {
  client: RedisClientType;
  keys: { snapshot: string; head: string; stream: string };
  /** Socket.IO adapter factory for `io.adapter(…)`. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export interface RedisBusOptions {
  url: string;
  clusterName: string;
  log: Logger;
  /** Test hook: XREAD block time (default 5,000 ms; shorter = faster shutdown). */
  blockTimeInMs?: number;
}

/**
 * A server-side emit published while Redis is down is lost on purpose (see connectRedisBus): the
 * client's 'error' handler has logged the outage once; /me snapshot requests time out and are
 * retried, lease renewals recur. 0 = delivered to no subscriber, as PUBLISH answers.
 */
function lostWhileRedisDown(_err: unknown): number {
  return 0;
}

export async function connectRedisBus(o: RedisBusOptions): Promise<RedisBus> {
  const log = o.log.child({ module: 'redis' });
  // Reconnect backoff capped at 1 s (the adapter's duplicates inherit it): once Redis is back, edges
  // resume within about a second. No offline queue on the publishing client: while Redis is down a publish fails at once and the
  // local broadcast goes on (the adapter awaits XADD before emitting locally), instead of stalling
  // every local viewer behind a queue. Edges that missed deltas see a seq gap and resync.
  const client = createClient({ url: o.url, disableOfflineQueue: true, socket: { reconnectStrategy: (n) => Math.min(50 * 2 ** n, 1000) } }) as RedisClientType;
  let lastError = '';
  client.on('error', (err: Error) => {
    if (err.message !== lastError) log.warn({ err: err.message }, 'redis error');
    lastError = err.message;
  });
  client.on('ready', () => (lastError = ''));
  await client.connect();
  // The adapter duplicates the client for its blocking XREAD loop; that one keeps the offline
  // queue so a Redis outage parks the loop instead of spinning on immediate failures.
  // The adapter fires server-side emits (PUBLISH) without handling their promise: while Redis is down
  // that rejection would be unhandled and end the process, so it is caught here (the emit is lost;
  // /me snapshot requests time out and are retried, lease renewals recur).
  const forAdapter = new Proxy(client, {
    get(target, prop) {
      if (prop === 'duplicate') return () => target.duplicate({ disableOfflineQueue: false });
      if (prop === 'publish') {
        return (...a: Parameters<RedisClientType['publish']>) => {
          try {
            return target.publish(...a).catch(lostWhileRedisDown);
          } catch (err) {
            return Promise.resolve(lostWhileRedisDown(err));
          }
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const stream = `${o.clusterName}:sio`;
  const adapter = createAdapter(forAdapter, {
    streamName: stream,
    channelPrefix: stream,
    sessionKeyPrefix: `${o.clusterName}:sio:session:`,
    onlyPlaintext: true,
    blockTimeInMs: o.blockTimeInMs ?? 5_000,
  });
  return {
    client,
    keys: { snapshot: `${o.clusterName}:snapshot`, head: `${o.clusterName}:head`, stream },
    adapter,
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}

/** True when a Redis answers PING at `url` within `timeoutMs`. */
export async function redisReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const c = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  c.on('error', () => {
    // connect() or ping() rejects with the same error: answered below as unreachable
  });
  try {
    await c.connect();
    await c.ping();
    return true;
  } catch {
    return false;
  } finally {
    try {
      c.destroy();
    } catch {
      // never opened
    }
  }
}
