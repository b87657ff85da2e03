// Signs the ledger's head now and then (SPEC §15): every CHECKPOINT_INTERVAL_S and at shutdown,
// `{seq, head_hash, at}` of the committed head, signed with the deployment's key and stored. A
// head already checkpointed is not signed again, so an idle ledger adds no rows.
import type { CheckpointJson } from '../../shared/ledger-checkpoint.ts';
import type { LedgerKey } from './ledger-key.ts';

export interface CheckpointPort {
  head(): Promise<{ seq: number; hash: string }>;
  latest(): Promise<CheckpointJson | null>;
  insert(c: CheckpointJson): Promise<boolean>;
}

export class Checkpointer {
  private last: number | null = null;
  private running: Promise<CheckpointJson | null> | null = null;

  constructor(
    private readonly port: CheckpointPort,
    private readonly key: LedgerKey,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Signs the current head unless it is checkpointed already; the new checkpoint, or null. One at a time. */
  checkpoint(): Promise<CheckpointJson | null> {
    this.running ??= this.sign().finally(() => (this.running = null));
    return this.running;
  }

  private async sign(): Promise<CheckpointJson | null> {
    this.last ??= (await this.port.latest())?.seq ?? -1;
    const head = await this.port.head();
    if (head.seq <= this.last) return null;
    const at = this.now().toISOString();
    const c: CheckpointJson = {
      seq: head.seq,
      head_hash: head.hash,
      at,
      signature: this.key.signCheckpoint(head.seq, head.hash, at),
      key_fingerprint: this.key.json.fingerprint,
    };
    const stored = await this.port.insert(c);
    this.last = head.seq;
    return stored ? c : null;
  }
}
