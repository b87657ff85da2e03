// The ledger's row shape and chain rule: hash = sha256(prev_hash ‖ canonical event ‖ time), where
// the canonical event covers kind, trade_id and the event body, so no column can change unseen.
import { createHash } from 'node:crypto';
import type { Json } from '../../shared/canonical-json.ts';
import { ledgerPreimage } from '../../shared/ledger-preimage.ts';

// trade_leg and signal_updated (issue 19) only add kinds: rows of the first four hash as before.
export const LEDGER_KINDS = ['signal_received', 'trade_opened', 'trade_activated', 'trade_closed', 'trade_leg', 'signal_updated'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

export interface LedgerEventDraft {
  kind: LedgerKind;
  tradeId: number;
  event: { [key: string]: Json };
  at: Date;
}

/** One ledger row as stored and exported (JSONL: one of these per line). */
export interface LedgerRecord {
  seq: number;
  kind: string;
  trade_id: number;
  event: { [key: string]: Json };
  /** ISO 8601, millisecond precision. */
  at: string;
  prev_hash: string;
  hash: string;
}

export function ledgerHash(prevHash: string, kind: string, tradeId: number, event: Json, atIso: string): string {
  return createHash('sha256')
    .update(ledgerPreimage(prevHash, kind, tradeId, event, atIso))
    .digest('hex');
}

/** Chains drafts after `head`; returns the rows' prev_hash/hash in order. */
export function chain(head: string, drafts: readonly LedgerEventDraft[]): { prevHash: string; hash: string }[] {
  let prev = head;
  return drafts.map((d) => {
    const hash = ledgerHash(prev, d.kind, d.tradeId, d.event, d.at.toISOString());
    const out = { prevHash: prev, hash };
    prev = hash;
    return out;
  });
}
