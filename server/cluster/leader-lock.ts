// Engine leadership: a PostgreSQL session advisory lock held on one dedicated connection for the
// process lifetime. Exactly one engine holds it; standbys poll. If the holder dies, PostgreSQL ends
// its session and frees the lock; if the holder loses its lock connection it must stop at once.
import pg from 'pg';
import type { Logger } from '../logger.ts';

/** 64-bit key of the engine lock (advisory locks are per database, so one deployment = one DB). */
export const ENGINE_LOCK_KEY = '7315020391887001';

export interface LeaderLockOptions {
  databaseUrl: string;
  log: Logger;
  /** How often a standby tries the lock (default 500 ms). */
  pollMs?: number;
  /** Resolves acquire() with null when aborted (SIGTERM while standing by). */
  signal?: AbortSignal;
}

export interface HeldLock {
  /** Called once if the lock connection breaks: leadership can no longer be assumed. */
  onLost(fn: (err: unknown) => void): void;
  release(): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

/** Waits until this process holds the engine lock (or `signal` aborts: null). */
export async function acquireLeaderLock(o: LeaderLockOptions): Promise<HeldLock | null> {
  const log = o.log.child({ module: 'leader-lock' });
  const pollMs = o.pollMs ?? 500;
  let announced = false;
  while (!o.signal?.aborted) {
    const client = new pg.Client({
      connectionString: o.databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
      application_name: 'paperbook-engine-lock',
    });
    let broken: unknown = null;
    client.on('error', (err) => (broken = err));
    try {
      await client.connect();
      // A holder whose machine vanishes (no FIN/RST) is noticed by the server's keepalives in ~4 s,
      // not after the OS default of hours.
      await client.query('SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 2');
      while (!o.signal?.aborted && !broken) {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [ENGINE_LOCK_KEY]);
        if (r.rows[0]?.ok) {
          log.info('engine leadership acquired');
          return held(client, log);
        }
        if (!announced) log.info({ pollMs }, 'standby: another engine holds the lock; waiting');
        announced = true;
        await sleep(pollMs, o.signal);
      }
    } catch (err) {
      log.warn({ err: String(err) }, 'standby: lock connection failed; retrying');
      await sleep(pollMs, o.signal);
    }
    // A connection that failed or was aborted: ending it may fail too (already closed); the loop retries either way.
    await client.end().catch((err: unknown) => log.debug({ err: String(err) }, 'standby: closing the lock connection failed'));
  }
  return null;
}

function held(client: pg.Client, log: Logger): HeldLock {
  const listeners: Array<(err: unknown) => void> = [];
  let released = false;
  let lost = false;
  const lose = (err: unknown) => {
    if (released || lost) return;
    lost = true;
    log.fatal({ err: String(err) }, 'engine lock connection lost: leadership can no longer be assumed');
    for (const fn of listeners) fn(err);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('lock connection ended')));
  return {
    onLost: (fn) => listeners.push(fn),
    async release() {
      if (released) return;
      released = true;
      // Ending the session frees the lock; an explicit unlock first makes the hand-over immediate.
      // Either may fail on a connection already broken: then PostgreSQL has ended the session, which freed the lock.
      await client
        .query('SELECT pg_advisory_unlock($1::bigint)', [ENGINE_LOCK_KEY])
        .catch((err: unknown) => log.warn({ err: String(err) }, 'engine lock: explicit unlock failed; the session end frees it'));
      await client.end().catch((err: unknown) => log.warn({ err: String(err) }, 'engine lock: closing its connection failed'));
    },
  };
}
