// ROLE=engine: writes the public stream's snapshot (with its epoch and seq) to Redis so an edge can
// (re)build its mirror: at start, then at most every SNAPSHOT_INTERVAL_MS while the seq moves.
// Edges follow deltas through the adapter; this key only bootstraps them, so it may lag by one interval.
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
  /** Snapshots written (for tests and metrics). */
  writes = 0;

  constructor(
    private readonly stream: SnapshotStream,
    private readonly redis: RedisClientType,
    private readonly keys: { snapshot: string; epoch: string },
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    // The epoch key is tiny: edges poll it to notice a new engine even when no delta flows.
    await this.redis.set(this.keys.epoch, this.stream.epoch).catch((err: unknown) => this.log.warn({ err: String(err) }, 'epoch publish failed'));
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
      this.lastSeq = snap.seq;
      this.writes++;
    } catch (err) {
      this.log.warn({ err: String(err) }, 'snapshot publish failed; edges keep following deltas');
    } finally {
      this.writing = false;
    }
  }
}
