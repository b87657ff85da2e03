// Signed checkpoints of the ledger (SPEC §15, docs/ledger.md): what the server signs and serves,
// and the exact bytes a signature covers. One definition for the server that signs, the page that
// shows the last one, and a witness that checks them (`npm run cli -- witness`).
import { canonicalJson } from './canonical-json.ts';

/** Prefix of every signed message, so a checkpoint signature cannot be replayed as anything else. */
export const CHECKPOINT_DOMAIN = 'paperbook-ledger-checkpoint-v1';

/** `GET /api/public/ledger/key`. */
export interface LedgerKeyJson {
  algorithm: 'Ed25519';
  /** The raw 32-byte public key, base64 (RFC 8032 encoding). */
  public_key: string;
  /** sha256 of the raw public key, hex: what the page shows and a witness pins. */
  fingerprint: string;
  /** When this key was made (first start). */
  created_at: string;
}

/** One signed checkpoint: the chain's head at `seq` (0 and 64 zeros for an empty ledger). */
export interface CheckpointJson {
  seq: number;
  head_hash: string;
  /** When it was signed, ISO 8601 with milliseconds. */
  at: string;
  /** Ed25519 signature of `checkpointMessage(seq, head_hash, at)`, base64. */
  signature: string;
  /** Fingerprint of the key that signed it. */
  key_fingerprint: string;
}

/** `GET /api/public/ledger/checkpoints/?after=SEQ&limit=N`: ascending by seq (one checkpoint per seq at most). */
export interface CheckpointPageJson {
  next_after: number | null;
  results: CheckpointJson[];
}

/** The UTF-8 text a checkpoint's signature covers. */
export function checkpointMessage(seq: number, headHash: string, at: string): string {
  return `${CHECKPOINT_DOMAIN}\n${canonicalJson({ at, head_hash: headHash, seq })}`;
}
