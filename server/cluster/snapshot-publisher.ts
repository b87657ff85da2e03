// ROLE=engine: writes the public stream's snapshot (with its epoch and seq) to Redis so an edge can
// (re)build its mirror: at start, then at most every SNAPSHOT_INTERVAL_MS while the seq moves.
// Edges follow deltas through the adapter; this key only bootstraps them, so it may lag by one interval.
// Beside it, a tiny head key ({epoch, seq}) that edges poll: a new epoch (a new engine, even a quiet
// one) or a seq their mirror does not reach (deltas lost while Redis was away) makes them rebuild.
import type { RedisClientType } from 'redis';
import type { SnapshotJson } from '../../shared/protocol-types.ts';
import type { Logger } from '../logger.ts';

export interface SnapshotStream {
  readonly seq: number;
  readonly epoch: string;
  snapshot(): SnapshotJson;
}

export class SnapshotPublisher {
  private timer: NodeJS.Timeout | null = null;
  private lastSeq = -1;
  private writing = false;
  private failing = false;
  /** Snapshots written (for tests and metrics). */
  writes = 0;

  constructor(
    private readonly stream: SnapshotStream,
    private readonly redis: RedisClientType,
    private readonly keys: { snapshot: string; head: string },
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.write();
    this.timer = setInterval(() => {
      if (this.stream.seq !== this.lastSeq) void this.write();
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async write(): Promise<void> {
    if (this.writing) return; // one in flight at most: a slow Redis gets fewer, not more, writes
    this.writing = true;
    try {
      const snap = this.stream.snapshot();
      await this.redis.set(this.keys.snapshot, JSON.stringify(snap));
      await this.redis.set(this.keys.head, JSON.stringify({ epoch: snap.epoch, seq: snap.seq }));
      this.lastSeq = snap.seq;
      this.writes++;
      if (this.failing) this.log.info({ seq: snap.seq }, 'snapshot publish works again');
      this.failing = false;
    } catch (err) {
      // Once per outage, not every interval; retried while the seq differs from the last written.
      if (!this.failing) this.log.warn({ err: String(err) }, 'snapshot publish failed; retrying every interval');
      this.failing = true;
    } finally {
      this.writing = false;
    }
  }
}
