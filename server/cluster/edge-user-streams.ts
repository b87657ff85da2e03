// ROLE=edge: /me for users connected to this edge. Each user with a socket here has a SnapshotMirror
// of their engine stream: bootstrapped by asking the engine (`me:snapshot` over the adapter, which
// also leases the stream there) and kept current by the deltas the adapter relays to room
// `user:<id>`. The edge renews its users' leases every LEASE_RENEW_MS. Deltas for users with no
// socket here are ignored; the room delivers a user's deltas only to that user's sockets.
import type { DeltaJson, SnapshotJson } from '../../shared/protocol-types.ts';
import type { Logger } from '../logger.ts';
import type { MeNamespace } from '../transport/socket/io-server.ts';
import { userRoom } from '../transport/socket/user-streams.ts';
import { SnapshotMirror, type MirrorSource } from './snapshot-mirror.ts';
import { LEASE_RENEW_MS, ME_SNAPSHOT, ME_SNAPSHOT_REPLY, ME_WATCH } from './user-stream-leases.ts';

/** How long one snapshot request waits for the engine; then the mirror asks again. */
const REQUEST_TIMEOUT_MS = 1_000;
/** How long a connecting socket waits for its user's first snapshot before it is disconnected. */
const FIRST_SNAPSHOT_WAIT_MS = 5_000;
const ROOM_PREFIX = 'user:';

interface Entry {
  refs: number;
  mirror: SnapshotMirror;
  ready: Promise<{ snapshot(): SnapshotJson; room: string }>;
}

export class EdgeUserStreams {
  private users = new Map<number, Entry>();
  private timer: NodeJS.Timeout | null = null;
  /** Snapshot requests in flight, by user: resolved by the engine's reply or the request timeout. */
  private waiting = new Map<number, Set<(s: SnapshotJson | null) => void>>();

  constructor(
    private readonly meNsp: MeNamespace,
    private readonly log: Logger,
  ) {
    // Replies reach every edge; one asked for by another edge for the same user is as good.
    // Payloads come from another process: checked here whatever their declared type.
    this.meNsp.on(ME_SNAPSHOT_REPLY, (userId: unknown, snap: unknown) => {
      const waiters = typeof userId === 'number' ? this.waiting.get(userId) : undefined;
      if (!waiters || !snap || typeof snap !== 'object') return;
      this.waiting.delete(userId as number);
      for (const resolve of [...waiters]) resolve(snap as SnapshotJson);
    });
  }

  start(): void {
    this.timer = setInterval(() => this.renew(), LEASE_RENEW_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const e of this.users.values()) e.mirror.stop();
    this.users.clear();
  }

  get active(): number {
    return this.users.size;
  }

  /** Same contract as the engine's UserStreams: resolves once this user's mirror is synced. */
  acquire(userId: number): Promise<{ snapshot(): SnapshotJson; room: string }> {
    let e = this.users.get(userId);
    if (!e) {
      const mirror = new SnapshotMirror(this.source(userId), this.log.child({ userId }), 250);
      const room = userRoom(userId);
      // A new epoch of this user's stream (a new engine, or a re-opened lease): every socket of the
      // user here gets the fresh snapshot at once.
      mirror.onRebuilt = () => this.meNsp.local.to(room).emit('snapshot', mirror.snapshot());
      const ready = mirror.start(FIRST_SNAPSHOT_WAIT_MS).then(() => {
        if (!mirror.synced) throw new Error('no snapshot of the user stream from the engine');
        return { room, snapshot: () => mirror.snapshot() };
      });
      const entry: Entry = { refs: 0, mirror, ready };
      e = entry;
      this.users.set(userId, entry);
      ready.catch(() => {
        if (this.users.get(userId) !== entry) return;
        this.users.delete(userId);
        mirror.stop();
      });
    }
    e.refs += 1;
    return e.ready;
  }

  release(userId: number): void {
    const e = this.users.get(userId);
    if (!e || --e.refs > 0) return;
    this.users.delete(userId);
    e.mirror.stop();
  }

  /** A delta the adapter relayed to /me rooms (after delivering it to this edge's sockets in them). */
  onDelta(rooms: string[], d: DeltaJson): void {
    for (const room of rooms) {
      if (!room.startsWith(ROOM_PREFIX)) continue;
      this.users.get(Number(room.slice(ROOM_PREFIX.length)))?.mirror.onDelta(d);
    }
  }

  /** A new engine took over: its user streams are new; rebuild every mirror (which re-leases them). */
  rebuildAll(): void {
    for (const e of this.users.values()) e.mirror.rebuild();
  }

  private renew(): void {
    if (this.users.size > 0) this.meNsp.serverSideEmit(ME_WATCH, [...this.users.keys()]);
  }

  private source(userId: number): MirrorSource {
    return {
      fetch: () =>
        new Promise<SnapshotJson | null>((resolve) => {
          let waiters = this.waiting.get(userId);
          if (!waiters) this.waiting.set(userId, (waiters = new Set()));
          const done = (s: SnapshotJson | null) => {
            clearTimeout(timer);
            waiters.delete(done);
            if (waiters.size === 0 && this.waiting.get(userId) === waiters) this.waiting.delete(userId);
            resolve(s);
          };
          // No engine (failover, Redis down): the mirror asks again after its poll interval.
          const timer = setTimeout(() => done(null), REQUEST_TIMEOUT_MS);
          waiters.add(done);
          this.meNsp.serverSideEmit(ME_SNAPSHOT, userId);
        }),
    };
  }
}
