// One encoded /public snapshot per stream head (epoch, seq), shared by every viewer who asks
// (issue 16, item 6: each resync used to build and encode a fresh 2.8 MB snapshot at 5,000 open
// trades). Measured by benchmarks/socket-abuse.ts.
//
// Why a snapshot may be reused for as long as the seq does not move: the stream's contract is
// "snapshot at seq N, then deltas N+1…". Everything that changes the public state either is an
// event (flushed into a delta, so the seq moves, before the head is read) or a price, which is
// coalesced into the next delta and carries absolute values: a snapshot built a moment earlier at
// the same seq converges to the same state once that delta applies.
//
// The frame is the Socket.IO packet as socket.io-parser would encode it (`2/public,["snapshot",…]`),
// so sending it is one engine write instead of a JSON.stringify per viewer. Only `server_time`
// is fresh per send; it is spliced in front of the cached body.
import type { SnapshotJson } from '../../../shared/protocol-types.ts';

/** What a snapshot is built from: the local stream, or (ROLE=edge) the mirror of the engine's. */
export interface SnapshotHeadSource {
  readonly epoch: string;
  readonly seq: number;
  snapshot(): SnapshotJson;
  /** Sends queued events first so `seq` is exact (the local stream); a mirror is always exact. */
  flushEvents?(): void;
}

export class SnapshotCache {
  private key = '';
  private head = '';
  private body = '';
  /** How many snapshots were built (tests, benchmarks). */
  builds = 0;

  constructor(
    private readonly source: SnapshotHeadSource,
    private readonly nsp: string,
  ) {}

  /** Forget the cached body (a mirror that adopted a new snapshot without moving its seq). */
  invalidate(): void {
    this.key = '';
    this.head = '';
    this.body = '';
  }

  /**
   * The encoded snapshot packet at the stream's head, and the bytes this call built (0 when the
   * cached body served). Synchronous: the caller joins the viewer to the room in the same turn.
   */
  frame(): { frame: string; built: number } {
    this.source.flushEvents?.();
    const key = `${this.source.epoch}:${this.source.seq}`;
    let built = 0;
    if (key !== this.key) {
      const { epoch, seq, server_time: _time, ...rest } = this.source.snapshot();
      const json = JSON.stringify(rest);
      // Same key order as the object the namespace used to emit: epoch, seq, server_time, the rest.
      this.head = `{"epoch":${JSON.stringify(epoch)},"seq":${seq},"server_time":`;
      this.body = json === '{}' ? '}' : `,${json.slice(1)}`;
      this.key = `${epoch}:${seq}`;
      this.builds++;
      built = this.body.length;
    }
    const nsp = this.nsp === '/' ? '' : `${this.nsp},`;
    return { frame: `2${nsp}["snapshot",${this.head}"${new Date().toISOString()}"${this.body}]`, built };
  }
}
