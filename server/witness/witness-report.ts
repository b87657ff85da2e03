// What a witness run found: the figures of its summary line and each problem, with the seq it concerns.

export const PROBLEM_KINDS = [
  /** A row's hash differs from the one the witness verified before: the past was rewritten. */
  'rewritten',
  /** The chain ends before a seq the witness verified or holds a checkpoint for. */
  'truncated',
  /** The served chain does not verify by itself (a hash, a prev_hash link or a seq is wrong). */
  'broken-chain',
  /** A checkpoint's head_hash is not the chain's hash at its seq. */
  'checkpoint-mismatch',
  /** Two checkpoints signed by the pinned key for one seq with different heads: a re-signed past. */
  'equivocation',
  /** A checkpoint whose signature is not the pinned key's. */
  'bad-signature',
  /** The server serves another key than the one pinned at the first run. */
  'key-changed',
  /** The served key is malformed or its fingerprint is not its own. */
  'bad-key',
  /** Checkpoints, but no key to check them with (offline, before any run pinned one). */
  'no-key',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Kinds that say where the chain differs from what the witness holds. */
const DIFFERS: readonly ProblemKind[] = ['rewritten', 'truncated', 'broken-chain', 'checkpoint-mismatch', 'equivocation'];

export interface WitnessProblem {
  kind: ProblemKind;
  /** The seq concerned (a row's or a checkpoint's); null for the key's problems. */
  seq: number | null;
  message: string;
}

export interface WitnessReport {
  ok: boolean;
  source: string;
  /** Rows hashed and linked in this run. */
  rowsChecked: number;
  /** Rows beyond the seq verified before this run. */
  newRows: number;
  /** The last seq of the served chain that verified. */
  headSeq: number;
  checkpointsHeld: number;
  newCheckpoints: number;
  /** An incremental read found the past changed and the chain was read again from its start. */
  fullRead: boolean;
  /** The first seq at which the chain differs from what the witness held (null when nowhere). */
  firstDifferingSeq: number | null;
  problems: WitnessProblem[];
}

export function firstDiffering(problems: readonly WitnessProblem[]): number | null {
  const seqs = problems.filter((p) => DIFFERS.includes(p.kind) && p.seq !== null).map((p) => p.seq!);
  return seqs.length === 0 ? null : Math.min(...seqs);
}

/** The one summary line a run prints. */
export function summaryLine(r: WitnessReport): string {
  const result = r.ok
    ? 'OK: the chain extends every checkpoint held'
    : `PROBLEM: ${r.problems.length} found, first differing seq ${r.firstDifferingSeq ?? '—'}`;
  const read = r.fullRead ? ' (past changed: read again from the start)' : '';
  return `witness ${r.source}: ${r.rowsChecked} rows checked${read}, ${r.newRows} new, head seq ${r.headSeq}, ${r.checkpointsHeld} checkpoints held (${r.newCheckpoints} new) — ${result}`;
}

export function problemLine(p: WitnessProblem): string {
  return `${p.kind}${p.seq === null ? '' : ` at seq ${p.seq}`}: ${p.message}`;
}
