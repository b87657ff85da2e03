// The public record's verification status (`/api/public/ledger/verify`), refreshed every minute.
import { pollWhileVisible } from '../lib/poll.ts';

export type LedgerStatus =
  { ok: true; verified_through: number; head_hash: string; events: number; trades: number } | { ok: false; seq: number | null; reason: string };

export const LEDGER_VERIFY_URL = '/api/public/ledger/verify';

export class LedgerStatusState {
  status = $state.raw<LedgerStatus | null>(null);
  private stop: (() => void) | null = null;

  start(everyMs = 60_000): void {
    this.stop = pollWhileVisible(() => this.load(), everyMs);
  }

  async load(): Promise<void> {
    try {
      const res = await fetch(LEDGER_VERIFY_URL, { headers: { accept: 'application/json' } });
      if (res.ok || res.status === 409) this.status = (await res.json()) as LedgerStatus;
    } catch {
      // Offline: keep the last status.
    }
  }

  dispose(): void {
    this.stop?.();
  }
}
