// One witness run (SPEC §15): reads the key, the checkpoints and the chain from a source, checks
// every new checkpoint's signature against the pinned key, re-verifies the chain (after the first
// run only the rows after the last verified one, overlapping it by one row), and proves the chain
// extends every checkpoint held. A problem leaves the state as it was (the caller saves none).
import type { CheckpointJson } from '../../shared/ledger-checkpoint.ts';
import { ChainChecker } from './chain-checker.ts';
import { LedgerKey } from './ledger-key.ts';
import type { LedgerSource } from './ledger-source.ts';
import { firstDiffering, type WitnessProblem, type WitnessReport } from './witness-report.ts';
import { RowHashes, type HeldCheckpoint, type WitnessState } from './witness-state.ts';

export interface WitnessOutcome {
  report: WitnessReport;
  /** The state to save: null when a problem was found (the previous state stays). */
  state: WitnessState | null;
}

interface ChainRead {
  rows: RowHashes;
  checked: number;
  problems: WitnessProblem[];
  /** Incremental only: the overlap row is gone or changed, so the past must be read again. */
  diverged: boolean;
  /** Whether the chain read broke off (rows after it were not read). */
  broken: boolean;
}

export interface WitnessOptions {
  /** The fingerprint the key must have (published by the operator elsewhere), instead of trusting the first run's. */
  fingerprint?: string;
  now?: Date;
}

export async function runWitness(source: LedgerSource, prior: WitnessState | null, opts: WitnessOptions = {}): Promise<WitnessOutcome> {
  const problems: WitnessProblem[] = [];
  const key = await pinKey(source, prior, opts.fingerprint, problems);
  const held = prior?.checkpoints ?? [];
  const known = prior?.rows.seq ?? 0;

  let fullRead = false;
  let fetched = await collect(source.checkpoints(known > 0 && held.length > 0 ? held[held.length - 1]!.seq : undefined));
  let chain = await readChain(source, prior, known > 0);
  if (chain.diverged) {
    fullRead = true;
    fetched = await collect(source.checkpoints(undefined));
    chain = await readChain(source, prior, false);
  }
  problems.push(...chain.problems);
  const head = chain.rows.seq;
  if (!chain.broken && head < known && !problems.some((p) => p.kind === 'rewritten'))
    problems.push({ kind: 'truncated', seq: head + 1, message: `the chain ends at seq ${head}; seq ${head + 1}…${known} were verified before` });

  const accepted = acceptCheckpoints(fetched, held, key, problems);
  for (const c of [...held, ...accepted]) checkAgainstChain(c, chain, problems);

  const report: WitnessReport = {
    ok: problems.length === 0,
    source: source.name,
    rowsChecked: chain.checked,
    newRows: Math.max(0, head - known),
    headSeq: head,
    checkpointsHeld: held.length + (problems.length === 0 ? accepted.length : 0),
    newCheckpoints: accepted.length,
    fullRead,
    firstDifferingSeq: firstDiffering(problems),
    problems,
  };
  if (problems.length > 0) return { report, state: null };
  const checkpoints = [...held, ...accepted].sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at));
  return { report, state: { source: source.name, key: key?.pinned ?? null, checkpoints, rows: chain.rows, updatedAt: (opts.now ?? new Date()).toISOString() } };
}

/** The key checkpoints must be signed by: the one pinned at the first run, else the served one. */
async function pinKey(source: LedgerSource, prior: WitnessState | null, expected: string | undefined, problems: WitnessProblem[]): Promise<LedgerKey | null> {
  const served = await source.key();
  let servedKey: LedgerKey | null = null;
  if (served) {
    try {
      servedKey = LedgerKey.from(served);
    } catch (err) {
      problems.push({ kind: 'bad-key', seq: null, message: (err as Error).message });
    }
  }
  const pinned = prior?.key?.fingerprint ?? servedKey?.pinned.fingerprint;
  if (expected !== undefined && pinned !== undefined && pinned !== expected)
    problems.push({ kind: 'key-changed', seq: null, message: `the ${prior?.key ? 'pinned' : 'served'} key is ${pinned}, not the expected ${expected}` });
  if (!prior?.key) return servedKey;
  if (served && served.fingerprint !== prior.key.fingerprint)
    problems.push({
      kind: 'key-changed',
      seq: null,
      message: `the source serves key ${served.fingerprint}, not the pinned ${prior.key.fingerprint} (the pinned key is kept)`,
    });
  return LedgerKey.from(prior.key);
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/**
 * Reads and verifies the chain. Incremental: from the last verified row (read again, it must be
 * unchanged), else from the start; every row up to the last verified seq is compared with its held hash.
 */
async function readChain(source: LedgerSource, prior: WitnessState | null, incremental: boolean): Promise<ChainRead> {
  const known = prior?.rows.seq ?? 0;
  const start = incremental ? known - 1 : 0;
  const rows = incremental ? prior!.rows.upTo(start) : new RowHashes();
  const checker = new ChainChecker(start, rows.hex(start));
  const out: ChainRead = { rows, checked: 0, problems: [], diverged: false, broken: false };
  let rewritten = false;
  for await (const page of source.rows(start)) {
    for (const r of page) {
      const brk = checker.push(r);
      if (brk) {
        if (incremental && brk.seq <= known) out.diverged = true;
        else out.problems.push({ kind: 'broken-chain', seq: brk.seq, message: brk.reason });
        out.broken = true;
        return out;
      }
      out.checked++;
      if (r.seq <= known && !prior!.rows.matches(r.seq, r.hash)) {
        if (incremental) {
          out.diverged = true;
          return out;
        }
        if (!rewritten)
          out.problems.push({
            kind: 'rewritten',
            seq: r.seq,
            message: `row ${r.seq}'s hash is ${r.hash}, not the ${prior!.rows.hex(r.seq)} verified before: the past was rewritten from here`,
          });
        rewritten = true;
      }
      rows.push(r.hash);
    }
  }
  if (incremental && rows.seq < known) out.diverged = true;
  return out;
}

/** New checkpoints that verify under the pinned key; the others (and equivocations) are problems. */
function acceptCheckpoints(fetched: CheckpointJson[], held: readonly HeldCheckpoint[], key: LedgerKey | null, problems: WitnessProblem[]): HeldCheckpoint[] {
  const bySeq = new Map<number, HeldCheckpoint[]>();
  for (const c of held) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
  const accepted: HeldCheckpoint[] = [];
  let unkeyed = 0;
  for (const c of fetched) {
    const same = bySeq.get(c.seq) ?? [];
    if (same.some((h) => h.head_hash === c.head_hash && h.at === c.at && h.signature === c.signature)) continue;
    if (!key) {
      unkeyed++;
      continue;
    }
    if (!Number.isSafeInteger(c.seq) || c.seq < 0 || typeof c.head_hash !== 'string' || !key.signed(c)) {
      const named = c.key_fingerprint === key.pinned.fingerprint ? 'it names the pinned key' : `it names key ${String(c.key_fingerprint)}`;
      problems.push({
        kind: 'bad-signature',
        seq: c.seq,
        message: `checkpoint of ${c.at} is not signed by the pinned key ${key.pinned.fingerprint} (${named})`,
      });
      continue;
    }
    const other = same.find((h) => h.head_hash !== c.head_hash);
    if (other)
      problems.push({
        kind: 'equivocation',
        seq: c.seq,
        message: `the pinned key signed two heads for seq ${c.seq}: ${other.head_hash} (${other.at}, held) and ${c.head_hash} (${c.at})`,
      });
    const h: HeldCheckpoint = { seq: c.seq, head_hash: c.head_hash, at: c.at, signature: c.signature };
    bySeq.set(c.seq, [...same, h]);
    accepted.push(h);
  }
  if (unkeyed > 0)
    problems.push({
      kind: 'no-key',
      seq: null,
      message: `${unkeyed} checkpoints and no key to check them: run against the server first, or save its key with them`,
    });
  return accepted;
}

function checkAgainstChain(c: HeldCheckpoint, chain: ChainRead, problems: WitnessProblem[]): void {
  const head = chain.rows.seq;
  if (c.seq > head) {
    // Past a break the chain was not read: the break is the problem reported.
    if (!chain.broken && !problems.some((p) => p.kind === 'truncated'))
      problems.push({ kind: 'truncated', seq: head + 1, message: `the chain ends at seq ${head}, before the checkpoint at seq ${c.seq} (${c.at})` });
    return;
  }
  const hash = chain.rows.hex(c.seq);
  if (hash !== c.head_hash)
    problems.push({
      kind: 'checkpoint-mismatch',
      seq: c.seq,
      message: `the checkpoint of ${c.at} signed head ${c.head_hash}; the chain's hash at seq ${c.seq} is ${hash}`,
    });
}
