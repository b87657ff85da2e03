// The public record's verification status (`/api/public/ledger/verify`) and its signing (the key's
// fingerprint and the last signed checkpoint, SPEC §15), refreshed every minute.
import { pollWhileVisible } from '../lib/poll.ts';
import type { CheckpointJson, LedgerKeyJson } from '../../../shared/ledger-checkpoint.ts';

export type LedgerStatus =
  { ok: true; verified_through: number; head_hash: string; events: number; trades: number } | { ok: false; seq: number | null; reason: string };

export const LEDGER_VERIFY_URL = '/api/public/ledger/verify';
export const LEDGER_KEY_URL = '/api/public/ledger/key';
export const LAST_CHECKPOINT_URL = '/api/public/ledger/checkpoints/?limit=1';

export interface LedgerSigning {
  fingerprint: string;
  checkpoint: CheckpointJson | null;
}

export class LedgerStatusState {
  status = $state.raw<LedgerStatus | null>(null);
  signing = $state.raw<LedgerSigning | null>(null);
  private stop: (() => void) | null = null;

  start(everyMs = 60_000): void {
    this.stop = pollWhileVisible(() => this.load(), everyMs);
  }

  async load(): Promise<void> {
    try {
      const res = await fetch(LEDGER_VERIFY_URL, { headers: { accept: 'application/json' } });
      if (res.ok || res.status === 409) this.status = (await res.json()) as LedgerStatus;
      const [key, checkpoints] = await Promise.all([fetch(LEDGER_KEY_URL), fetch(LAST_CHECKPOINT_URL)]);
      if (key.ok && checkpoints.ok) {
        const k = (await key.json()) as LedgerKeyJson;
        const c = (await checkpoints.json()) as { latest: CheckpointJson | null };
        this.signing = { fingerprint: k.fingerprint, checkpoint: c.latest };
      }
    } catch {
      // Offline: keep the last status.
    }
  }

  dispose(): void {
    this.stop?.();
  }
}
