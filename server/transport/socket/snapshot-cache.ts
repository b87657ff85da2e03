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
// so sending it is one engine write instead of a JSON.stringify per viewer. Its `server_time` is
// when it was built: the time of the state it describes.
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
  private packet = '';
  private wire = '';
  /** How many snapshots were built (tests, benchmarks). */
  builds = 0;

  constructor(
    private readonly source: SnapshotHeadSource,
    private readonly nsp: string,
  ) {}

  /** Forget the cached frame (a mirror that adopted a new snapshot without moving its seq). */
  invalidate(): void {
    this.key = '';
    this.packet = '';
    this.wire = '';
  }

  /**
   * The snapshot at the stream's head: `packet` is the Socket.IO packet, `wire` the same with its
   * Engine.IO message prefix (what a websocket carries), and the bytes this call built (0 when
   * the cached frame served). Synchronous: the caller joins the viewer to the room in this turn.
   */
  frame(): { packet: string; wire: string; built: number } {
    this.source.flushEvents?.();
    const key = `${this.source.epoch}:${this.source.seq}`;
    let built = 0;
    if (key !== this.key) {
      const snapshot = this.source.snapshot();
      const nsp = this.nsp === '/' ? '' : `${this.nsp},`;
      this.packet = `2${nsp}${JSON.stringify(['snapshot', snapshot])}`;
      // One flat string reused for every send: uWS then encodes it without re-flattening a rope.
      this.wire = `4${this.packet}`;
      this.wire.charCodeAt(this.wire.length - 1);
      this.key = `${snapshot.epoch}:${snapshot.seq}`;
      this.builds++;
      built = this.packet.length;
    }
    return { packet: this.packet, wire: this.wire, built };
  }
}
