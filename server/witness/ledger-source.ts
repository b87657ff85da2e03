// Where the witness reads a ledger from: a server (http-source.ts) or an export (export-source.ts).
import type { CheckpointJson, LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import type { LedgerRecord } from '../ledger/ledger-chain.ts';

export interface LedgerSource {
  /** A URL or a file name, for the report. */
  readonly name: string;
  /** The key the source says signs its checkpoints; null when it has none (an export without one). */
  key(): Promise<LedgerKeyJson | null>;
  /** Checkpoints with seq > after (every one when after is undefined), ascending, a page at a time. */
  checkpoints(after?: number): AsyncIterable<CheckpointJson[]>;
  /** Rows with seq > after, ascending, a page at a time. */
  rows(after: number): AsyncIterable<LedgerRecord[]>;
}
