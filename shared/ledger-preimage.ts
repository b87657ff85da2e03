// What a ledger row's hash is taken over (docs/ledger.md): the previous hash, the canonical
// {kind, trade_id, event} and the time. One definition for the server's chain and for a page or a
// witness that recomputes a row's hash (sha256 of these UTF-8 bytes, hex).
import { canonicalJson, type Json } from './canonical-json.ts';

export function ledgerPreimage(prevHash: string, kind: string, tradeId: number, event: Json, atIso: string): string {
  return `${prevHash}\n${canonicalJson({ kind, trade_id: tradeId, event })}\n${atIso}`;
}
