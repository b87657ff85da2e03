// The deployment's checkpoint key as the witness holds it (SPEC §15): the raw Ed25519 public key,
// its fingerprint (sha256 hex of the raw 32 bytes) and the signature check of one checkpoint.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { checkpointMessage, type CheckpointJson, type LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';

export interface PinnedKey {
  fingerprint: string;
  /** Raw 32-byte public key, base64 (as `GET /api/public/ledger/key` serves it). */
  public_key: string;
}

export class LedgerKey {
  private constructor(
    readonly pinned: PinnedKey,
    private readonly key: KeyObject,
  ) {}

  /** Throws when the key is not 32 raw bytes or its stated fingerprint is not theirs. */
  static from(json: Pick<LedgerKeyJson, 'public_key' | 'fingerprint'>): LedgerKey {
    const raw = Buffer.from(json.public_key, 'base64');
    if (raw.length !== 32) throw new Error(`the ledger key is ${raw.length} bytes, not 32`);
    const fingerprint = fingerprintOf(raw);
    if (json.fingerprint !== fingerprint) throw new Error(`the ledger key's fingerprint ${json.fingerprint} is not sha256 of the key (${fingerprint})`);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return new LedgerKey({ fingerprint, public_key: raw.toString('base64') }, key);
  }

  /** True when `c` is signed by this key (its stated fingerprint must be this key's too). */
  signed(c: Pick<CheckpointJson, 'seq' | 'head_hash' | 'at' | 'signature'> & { key_fingerprint?: string }): boolean {
    if (c.key_fingerprint !== undefined && c.key_fingerprint !== this.pinned.fingerprint) return false;
    const signature = Buffer.from(c.signature, 'base64');
    if (signature.length !== 64) return false;
    return verify(null, Buffer.from(checkpointMessage(c.seq, c.head_hash, c.at), 'utf8'), this.key, signature);
  }
}

export function fingerprintOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}
