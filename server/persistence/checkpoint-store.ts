// Signed ledger checkpoints and the public keys that signed them (SPEC §15), in SQL. A checkpoint
// is stored once per ledger head (`seq` is its key): signing an unchanged head again adds nothing.
import type { CheckpointJson, LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import { GENESIS_HASH } from '../ledger/ledger-chain.ts';
import type { Query } from './sql-runner.ts';

const iso = (v: unknown): string => new Date(v as string).toISOString();

const checkpointOf = (r: Record<string, unknown>): CheckpointJson => ({
  seq: Number(r.seq),
  head_hash: String(r.head_hash),
  at: iso(r.at),
  signature: String(r.signature),
  key_fingerprint: String(r.key_fingerprint),
});

export class CheckpointStore {
  constructor(private readonly q: Query) {}

  /** Records the key as the one in use (its first use, or again after another key was used). */
  async useKey(key: LedgerKeyJson): Promise<void> {
    await this.q(
      `insert into ledger_keys (fingerprint, public_key, created_at, last_used_at) values (?, ?, ?, now())
       on conflict (fingerprint) do update set last_used_at = now()`,
      [key.fingerprint, key.public_key, key.created_at],
    );
  }

  /** The key in use: the one last recorded by `useKey`. */
  async currentKey(): Promise<LedgerKeyJson | null> {
    const r = (await this.q(`select fingerprint, public_key, created_at from ledger_keys order by last_used_at desc limit 1`))[0];
    return r ? { algorithm: 'Ed25519', public_key: String(r.public_key), fingerprint: String(r.fingerprint), created_at: iso(r.created_at) } : null;
  }

  /** The ledger's committed head (seq 0 and the genesis hash when empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    // `ledger.seq`: a bare `seq` is the text output column, ordered as text ('9' > '12').
    const r = (await this.q(`select seq::text as seq, hash from ledger order by ledger.seq desc limit 1`))[0];
    return r ? { seq: Number(r.seq), hash: String(r.hash) } : { seq: 0, hash: GENESIS_HASH };
  }

  /** False when a checkpoint of that seq exists already (it is kept as first signed). */
  async insert(c: CheckpointJson): Promise<boolean> {
    const rows = await this.q(
      `insert into ledger_checkpoints (seq, head_hash, at, signature, key_fingerprint) values (?, ?, ?, ?, ?) on conflict (seq) do nothing returning seq`,
      [c.seq, c.head_hash, c.at, c.signature, c.key_fingerprint],
    );
    return rows.length === 1;
  }

  async latest(): Promise<CheckpointJson | null> {
    const r = (await this.q(`select seq, head_hash, at, signature, key_fingerprint from ledger_checkpoints order by seq desc limit 1`))[0];
    return r ? checkpointOf(r) : null;
  }

  /** Checkpoints with seq > `after`, ascending. */
  async page(after: number, limit: number): Promise<CheckpointJson[]> {
    const rows = await this.q(`select seq, head_hash, at, signature, key_fingerprint from ledger_checkpoints where seq > ? order by seq limit ?`, [
      after,
      limit,
    ]);
    return rows.map(checkpointOf);
  }
}
