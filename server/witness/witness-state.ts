// The witness's state file (JSON): the pinned key, every checkpoint it has accepted, and the hash of
// every row it has verified (seq 1…verified_seq, 32 raw bytes each, packed into one base64 string:
// ≈43 bytes a row on disk), so a later run can name the first seq whose hash changed.
// Written atomically (a temporary file beside it, then rename), so a crash leaves the old state.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { PinnedKey } from './ledger-key.ts';

const HASH_BYTES = 32;
const HEX64 = /^[0-9a-f]{64}$/;

/** A checkpoint as held (its key is the pinned one: a checkpoint of any other key is never accepted). */
export interface HeldCheckpoint {
  seq: number;
  head_hash: string;
  at: string;
  signature: string;
}

export interface WitnessState {
  /** What the last run read (a URL or an export file): informational. */
  source: string;
  key: PinnedKey | null;
  /** Ascending by seq (then at); at most one per seq and head_hash pair's signature. */
  checkpoints: HeldCheckpoint[];
  rows: RowHashes;
  updatedAt: string;
}

interface StateFile {
  version: 1;
  source: string;
  updated_at: string;
  key: PinnedKey | null;
  checkpoints: HeldCheckpoint[];
  verified_seq: number;
  /** Hash of the row at verified_seq, hex (also the last 32 bytes of row_hashes): for a reader. */
  head_hash: string;
  row_hashes: string;
}

/** Row hashes by seq (1-based), packed: 32 bytes a row. Appends grow the buffer geometrically. */
export class RowHashes {
  private buf: Buffer;

  private n: number;

  constructor(packed: Buffer = Buffer.alloc(0)) {
    if (packed.length % HASH_BYTES !== 0) throw new Error(`row hashes are ${packed.length} bytes, not a multiple of ${HASH_BYTES}`);
    this.buf = packed;
    this.n = packed.length / HASH_BYTES;
  }

  /** The last seq held (0 when none). */
  get seq(): number {
    return this.n;
  }

  /** Hash of the row at `seq`, hex; seq 0 is the genesis (64 zeros). */
  hex(seq: number): string {
    if (seq === 0) return '0'.repeat(64);
    if (!(seq >= 1 && seq <= this.n)) throw new RangeError(`no hash held for seq ${seq}`);
    return this.buf.toString('hex', (seq - 1) * HASH_BYTES, seq * HASH_BYTES);
  }

  /** Whether the row at `seq` (1…seq) has hash `hex`. */
  matches(seq: number, hex: string): boolean {
    return seq >= 1 && seq <= this.n && this.buf.subarray((seq - 1) * HASH_BYTES, seq * HASH_BYTES).equals(Buffer.from(hex, 'hex'));
  }

  push(hex: string): void {
    if (this.buf.length < (this.n + 1) * HASH_BYTES) {
      const grown = Buffer.alloc(Math.max(1024 * HASH_BYTES, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.n * HASH_BYTES);
      this.buf = grown;
    }
    this.buf.write(hex, this.n * HASH_BYTES, HASH_BYTES, 'hex');
    this.n++;
  }

  /** The first `seq` rows (a copy). */
  upTo(seq: number): RowHashes {
    return new RowHashes(Buffer.from(this.buf.subarray(0, Math.min(seq, this.n) * HASH_BYTES)));
  }

  packed(): Buffer {
    return this.buf.subarray(0, this.n * HASH_BYTES);
  }
}

export function emptyState(source: string): WitnessState {
  return { source, key: null, checkpoints: [], rows: new RowHashes(), updatedAt: new Date(0).toISOString() };
}

/** The state at `file`, or null when there is none yet. Throws on a file that is not a witness state. */
export async function loadState(file: string): Promise<WitnessState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseState(text, file);
}

export function parseState(text: string, file: string): WitnessState {
  const bad = (why: string): Error => new Error(`${file} is not a witness state file: ${why}`);
  let raw: Partial<StateFile>;
  try {
    raw = JSON.parse(text) as Partial<StateFile>;
  } catch {
    throw bad('not JSON');
  }
  if (raw.version !== 1) throw bad(`version ${String(raw.version)}`);
  if (!Array.isArray(raw.checkpoints) || typeof raw.row_hashes !== 'string' || typeof raw.verified_seq !== 'number') throw bad('fields missing');
  const rows = new RowHashes(Buffer.from(raw.row_hashes, 'base64'));
  if (rows.seq !== raw.verified_seq) throw bad(`${rows.seq} row hashes for verified_seq ${raw.verified_seq}`);
  if (raw.head_hash !== rows.hex(rows.seq)) throw bad('head_hash is not the last row hash');
  for (const c of raw.checkpoints)
    if (!Number.isInteger(c.seq) || !HEX64.test(c.head_hash) || typeof c.at !== 'string' || typeof c.signature !== 'string')
      throw bad('a malformed checkpoint');
  if (raw.key !== null && (typeof raw.key?.fingerprint !== 'string' || typeof raw.key.public_key !== 'string')) throw bad('a malformed key');
  return { source: String(raw.source ?? ''), key: raw.key ?? null, checkpoints: raw.checkpoints, rows, updatedAt: String(raw.updated_at ?? '') };
}

export function serializeState(s: WitnessState): string {
  const out: StateFile = {
    version: 1,
    source: s.source,
    updated_at: s.updatedAt,
    key: s.key,
    checkpoints: s.checkpoints,
    verified_seq: s.rows.seq,
    head_hash: s.rows.hex(s.rows.seq),
    row_hashes: s.rows.packed().toString('base64'),
  };
  return JSON.stringify(out) + '\n';
}

/** Writes the state beside `file` and renames it over: readers see the old state or the new one. */
export async function saveState(file: string, s: WitnessState): Promise<number> {
  const text = serializeState(s);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return Buffer.byteLength(text);
}
