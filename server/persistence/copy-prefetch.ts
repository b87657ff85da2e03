// One COPY … TO STDOUT started ahead of its turn: its data is copied into 1 MB blocks until a
// consumer takes over, then handed to it as it arrives. Lets the next id range be produced on a
// second backend while the current one is applied; the caller bounds each statement's rows.
import type { SqlRunner } from './sql-runner.ts';

const BLOCK_BYTES = 1 << 20;

export class CopyPrefetch {
  readonly done: Promise<void>;
  private blocks: Buffer[] = [];
  private used = 0;
  private sink: ((chunk: Buffer) => void) | null = null;

  constructor(db: SqlRunner, sql: string) {
    this.done = db.copyOut(sql, (chunk) => (this.sink === null ? this.keep(chunk) : this.sink(chunk)));
    // Awaited by the consumer in its turn; until then a failure must not count as unhandled.
    this.done.catch(() => {});
  }

  /** Hands over what was kept, then everything still to come; resolves when the COPY has ended. */
  drainInto(sink: (chunk: Buffer) => void): Promise<void> {
    const last = this.blocks.length - 1;
    this.blocks.forEach((b, i) => sink(i === last ? b.subarray(0, this.used) : b));
    this.blocks = [];
    this.sink = sink;
    return this.done;
  }

  private keep(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      let block = this.blocks[this.blocks.length - 1];
      if (block === undefined || this.used === block.length) {
        block = Buffer.allocUnsafe(BLOCK_BYTES);
        this.blocks.push(block);
        this.used = 0;
      }
      const n = chunk.copy(block, this.used, from);
      this.used += n;
      from += n;
    }
  }
}
