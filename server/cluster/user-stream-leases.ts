// ROLE=engine: keeps /me streams open for users connected to edges. An edge asks for a user's
// snapshot (`me:snapshot`, answered with `me:snapshot-reply`, both server-side emits over the
// adapter's pub/sub: no ack, so a dead peer still counted by the adapter never delays the answer)
// and renews its users every few seconds
// (`me:watch`); the stream's deltas go to room `user:<id>` through the adapter like any /me emit,
// so an edge relays them to that user's sockets only. A lease not renewed within its TTL (its edge
// died or its user left) releases the stream.
import type { SnapshotJson } from '../../shared/protocol-types.ts';
import type { InterServerEvents } from '../../shared/socket-events.ts';
import type { Logger } from '../logger.ts';
import type { MeNamespace } from '../transport/socket/io-server.ts';

export const ME_SNAPSHOT = 'me:snapshot' satisfies keyof InterServerEvents;
export const ME_SNAPSHOT_REPLY = 'me:snapshot-reply' satisfies keyof InterServerEvents;
export const ME_WATCH = 'me:watch' satisfies keyof InterServerEvents;

/** How often an edge renews its users' leases, and how long a lease lives without renewal. */
export const LEASE_RENEW_MS = 2_000;
export const LEASE_TTL_MS = 10_000;

export interface LeasableStreams {
  acquire(userId: number): Promise<{ snapshot(): SnapshotJson }>;
  release(userId: number): void;
}

interface Lease {
  expires: number;
  ready: Promise<{ snapshot(): SnapshotJson }>;
}

/** The /me namespace's server-side channel (typed by InterServerEvents). */
export type ServerSideChannel = Pick<MeNamespace, 'on' | 'serverSideEmit'>;

const isUserId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export class UserStreamLeases {
  private leases = new Map<number, Lease>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly streams: LeasableStreams,
    private readonly log: Logger,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {}

  /** Answers edges on the /me namespace's server-side events. */
  register(nsp: ServerSideChannel): void {
    // Payloads come from another process: checked here whatever their declared type.
    nsp.on(ME_SNAPSHOT, (userId: unknown) => {
      if (!isUserId(userId)) return;
      this.snapshot(userId).then(
        (s) => nsp.serverSideEmit(ME_SNAPSHOT_REPLY, userId, s),
        (err: unknown) => this.log.warn({ err: String(err), userId }, 'user snapshot for an edge failed'),
      );
    });
    nsp.on(ME_WATCH, (userIds: unknown) => {
      if (Array.isArray(userIds)) for (const id of userIds) if (isUserId(id)) this.renew(id);
    });
    this.timer = setInterval(() => this.sweep(Date.now()), 1_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get size(): number {
    return this.leases.size;
  }

  async snapshot(userId: number): Promise<SnapshotJson> {
    return (await this.renew(userId).ready).snapshot();
  }

  private renew(userId: number): Lease {
    const expires = Date.now() + this.ttlMs;
    let lease = this.leases.get(userId);
    if (lease) {
      lease.expires = expires;
      return lease;
    }
    const ready = this.streams.acquire(userId);
    lease = { expires, ready };
    this.leases.set(userId, lease);
    const held = lease;
    // A stream that failed to load is not held: the next request tries again (its requester logs why).
    ready.catch(() => this.leases.get(userId) === held && this.leases.delete(userId));
    return lease;
  }

  private sweep(now: number): void {
    for (const [userId, lease] of this.leases) {
      if (lease.expires > now) continue;
      this.leases.delete(userId);
      // A lease whose stream never loaded holds nothing to release (the failure was logged when asked).
      lease.ready.then(
        () => this.streams.release(userId),
        (err: unknown) => this.log.debug({ err: String(err), userId }, 'expired lease had no stream'),
      );
    }
  }
}
