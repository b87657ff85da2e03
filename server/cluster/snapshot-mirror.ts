// ROLE=edge: a live copy of one engine stream (the public one, or one user's /me stream), built from
// a snapshot of it (MirrorSource) and kept current by the same deltas the adapter relays to this
// edge's room. Because the mirror and the room see each relayed delta in the same turn, a snapshot
// served from it has exactly the seq the next delta to that viewer continues from.
import type { RedisClientType } from 'redis';
import type { DeltaJson, SnapshotJson } from '../../shared/protocol-types.ts';
import type { Logger } from '../logger.ts';
import { MirrorState } from './mirror-state.ts';

/** Deltas held while waiting for a snapshot to continue from. */
const MAX_BUFFERED = 5_000;

/** Where a mirror (re)starts from. */
export interface MirrorSource {
  /** The engine's latest snapshot of the stream, or null when none is available (yet). */
  fetch(): Promise<SnapshotJson | null>;
  /**
   * The engine's stream head, polled: a new epoch (a quiet new engine) or a seq the mirror does not
   * reach within a poll (deltas lost in a Redis outage) makes it rebuild. Omitted = not polled.
   */
  head?(): Promise<{ epoch: string; seq: number } | null>;
}

/** The public stream: the snapshot and epoch keys the engine's SnapshotPublisher writes. */
export function redisSnapshotSource(redis: RedisClientType, keys: { snapshot: string; head: string }): MirrorSource {
  return {
    async fetch() {
      const raw = await redis.get(keys.snapshot);
      return raw ? (JSON.parse(raw) as SnapshotJson) : null;
    },
    async head() {
      const raw = await redis.get(keys.head);
      return raw ? (JSON.parse(raw) as { epoch: string; seq: number }) : null;
    },
  };
}

export class SnapshotMirror extends MirrorState {
  /** True while the mirror continues a snapshot without a gap. */
  synced = false;
  everSynced = false;
  /** Times the mirror rebuilt itself from the Redis snapshot. */
  bootstraps = 0;
  private buffer: DeltaJson[] = [];
  private loading: Promise<void> | null = null;
  private stopped = false;
  private epochWatch: NodeJS.Timeout | null = null;
  /** The head seq seen at the previous poll that the mirror had not reached then, or null. */
  private behind: number | null = null;
  /**
   * Called after the mirror rebuilt (a new epoch, or a gap it closed): viewers here may hold a state
   * no later delta will fix, so they get the fresh snapshot at once.
   */
  onRebuilt: (() => void) | null = null;

  constructor(
    private readonly source: MirrorSource,
    private readonly log: Logger,
    private readonly pollMs = 50,
    private readonly epochPollMs = 500,
  ) {
    super();
  }

  /** Bootstraps; resolves when synced or after `waitMs` (the edge then serves and keeps trying). */
  async start(waitMs: number): Promise<void> {
    const loading = this.bootstrap();
    if (this.source.head) this.epochWatch = setInterval(() => void this.checkHead(), this.epochPollMs);
    await Promise.race([loading, new Promise((r) => setTimeout(r, waitMs).unref())]);
    if (!this.synced) this.log.warn({ waitMs }, 'no engine snapshot yet; serving empty until one appears');
  }

  /** Drops the current state's claim to be current and rebuilds from the source (a new engine). */
  rebuild(): void {
    if (this.stopped) return;
    this.behind = null;
    this.synced = false;
    this.buffer = [];
    void this.bootstrap();
  }

  stop(): void {
    this.stopped = true;
    if (this.epochWatch) clearInterval(this.epochWatch);
  }

  /** A quiet new engine, or deltas lost with no later delta to reveal the gap: the head tells. */
  private async checkHead(): Promise<void> {
    if (!this.synced) return;
    const head = await this.source.head!().catch((err: unknown) => {
      // Redis away: the next poll asks again; the snapshot read logs the outage once per streak.
      this.log.debug({ err: String(err) }, 'engine head read failed');
      return null;
    });
    if (!head || !this.synced) return;
    if (head.epoch !== this.epoch) {
      this.log.info({ epoch: head.epoch, had: this.epoch }, 'new engine epoch announced: rebuilding mirror');
      return this.rebuild();
    }
    // The head is written just after its delta was relayed, so a mirror may trail it by a moment,
    // never by a whole poll interval: not reaching last poll's head means deltas were lost.
    if (this.behind !== null && this.seq < this.behind) {
      this.log.info({ seq: this.seq, head: this.behind }, 'mirror behind the engine head: rebuilding');
      this.behind = null;
      return this.rebuild();
    }
    this.behind = head.seq > this.seq ? head.seq : null;
  }

  /** A delta the adapter relayed to this edge (the engine emitted it to the stream room). */
  onDelta(d: DeltaJson): void {
    if (this.synced) {
      if (d.epoch === this.epoch && d.seq <= this.seq) return;
      if (d.epoch === this.epoch && d.seq === this.seq + 1) return this.apply(d);
      this.log.info(
        { epoch: d.epoch, seq: d.seq, had: { epoch: this.epoch, seq: this.seq } },
        d.epoch === this.epoch ? 'delta gap: rebuilding mirror' : 'new engine epoch: rebuilding mirror',
      );
      this.synced = false;
    }
    // Only the newest epoch's deltas are worth holding.
    if (this.buffer.length > 0 && this.buffer[0]!.epoch !== d.epoch) this.buffer = [];
    this.buffer.push(d);
    if (this.buffer.length > MAX_BUFFERED) this.buffer.shift();
    void this.bootstrap();
  }

  /** Polls the Redis snapshot until one continues the buffered deltas (or any, with none buffered). */
  private bootstrap(): Promise<void> {
    return (this.loading ??= (async () => {
      let failed = false;
      try {
        while (!this.stopped && !this.synced) {
          const snap = await this.source.fetch().catch((err: unknown) => {
            if (!failed) this.log.warn({ err: String(err) }, 'snapshot read failed; retrying'); // once per streak
            failed = true;
            return null;
          });
          if (snap && this.tryAdopt(snap)) break;
          await new Promise((r) => setTimeout(r, this.pollMs));
        }
      } finally {
        this.loading = null;
      }
    })());
  }

  private tryAdopt(s: SnapshotJson): boolean {
    const first = this.buffer[0];
    if (first && (first.epoch !== s.epoch || s.seq < first.seq - 1)) return false; // older than what we hold
    const rebuilt = this.everSynced;
    this.adopt(s);
    const held = this.buffer;
    this.buffer = [];
    for (let i = 0; i < held.length; i++) {
      const d = held[i]!;
      if (d.seq <= this.seq) continue;
      if (d.seq !== this.seq + 1) {
        this.buffer = held.slice(i); // a hole inside the buffer: wait for a snapshot past it
        return false;
      }
      this.apply(d);
    }
    this.synced = true;
    this.everSynced = true;
    this.bootstraps++;
    this.log.info({ epoch: this.epoch, seq: this.seq }, 'mirror synced with the engine');
    if (rebuilt) this.onRebuilt?.();
    return true;
  }
}
