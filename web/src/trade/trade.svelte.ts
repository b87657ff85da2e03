// The trade page's state: the trade with its ledger rows, and each row's hash recomputed here
// (WebCrypto sha256 over shared/ledger-preimage.ts), so the page does not ask the reader to trust it.
import type { Json } from '../../../shared/canonical-json.ts';
import { ledgerPreimage } from '../../../shared/ledger-preimage.ts';
import type { LedgerRecordJson, PublicTradeDetail } from '../../../shared/protocol-types.ts';

/** The id a path names (`/trades/ID`), or null. */
export function tradeIdOfPath(path: string): number | null {
  const m = /^\/trades\/(\d{1,16})\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function rowVerifies(r: LedgerRecordJson): Promise<boolean> {
  return (await sha256Hex(ledgerPreimage(r.prev_hash, r.kind, r.trade_id, r.event as Json, r.at))) === r.hash;
}

export class TradeState {
  trade = $state<PublicTradeDetail | null>(null);
  /** Per ledger row: whether its hash is what its contents give (null while checking). */
  verified = $state<(boolean | null)[]>([]);
  error = $state<string | null>(null);
  allVerified = $derived(this.verified.length > 0 && this.verified.every((v) => v === true));

  constructor(readonly id: number | null) {}

  async load(): Promise<void> {
    if (this.id === null) {
      this.error = 'not a trade address';
      return;
    }
    try {
      const r = await fetch(`/api/public/paper-trading/${this.id}/`, { headers: { accept: 'application/json' } });
      if (r.status === 404) throw new Error(`there is no public trade ${this.id}`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const trade = (await r.json()) as PublicTradeDetail;
      this.trade = trade;
      this.verified = trade.ledger.map(() => null);
      this.verified = await Promise.all(trade.ledger.map(rowVerifies));
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}
