// The hash chain as the witness re-checks it (docs/ledger.md, "The chain"): every row's hash
// recomputed from shared/ledger-preimage.ts, each prev_hash the previous row's hash, seq 1, 2, 3…
import { createHash } from 'node:crypto';
import type { Json } from '../../shared/canonical-json.ts';
import { ledgerPreimage } from '../../shared/ledger-preimage.ts';
import type { LedgerRecord } from '../ledger/ledger-chain.ts';

const HEX64 = /^[0-9a-f]{64}$/;

export interface ChainBreak {
  seq: number;
  reason: string;
}

export class ChainChecker {
  /**
   * @param seq the seq of the last row already verified (0 before the first row)
   * @param hash that row's hash (64 zeros for seq 0)
   */
  constructor(
    private seq: number,
    private hash: string,
  ) {}

  get head(): { seq: number; hash: string } {
    return { seq: this.seq, hash: this.hash };
  }

  /** Checks the next row: null when it extends the chain (it becomes the head), else why not. */
  push(r: LedgerRecord): ChainBreak | null {
    const expected = this.seq + 1;
    if (!isRow(r)) return { seq: expected, reason: 'a malformed row' };
    if (r.seq !== expected) return { seq: expected, reason: `row ${expected} is missing (the next row served is ${r.seq})` };
    if (r.prev_hash !== this.hash) return { seq: r.seq, reason: `prev_hash is not row ${this.seq}'s hash (row removed, inserted or reordered)` };
    const hash = createHash('sha256')
      .update(ledgerPreimage(r.prev_hash, r.kind, r.trade_id, r.event as Json, r.at))
      .digest('hex');
    if (hash !== r.hash) return { seq: r.seq, reason: 'hash does not match the row (row edited)' };
    this.seq = r.seq;
    this.hash = hash;
    return null;
  }
}

function isRow(r: LedgerRecord): boolean {
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.seq) &&
    typeof r.kind === 'string' &&
    Number.isSafeInteger(r.trade_id) &&
    typeof r.event === 'object' &&
    r.event !== null &&
    typeof r.at === 'string' &&
    HEX64.test(r.prev_hash) &&
    HEX64.test(r.hash)
  );
}
