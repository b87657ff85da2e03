// Which open trades the engine keeps compact (book terms + side table, wire form built on demand
// with shared/trade-json.ts) and which it must keep whole because the compact parts cannot rebuild them.
import type { TradeJson } from '../../shared/protocol-types.ts';
import { jsonRoundTrips, tradeJson, type TradeRecord } from '../../shared/trade-json.ts';

/** True when book terms + side fields rebuild this record exactly: an OPEN trade with no exit fields. */
export function isCompactRecord(r: TradeRecord): boolean {
  return r.status === 'OPEN' && r.exitPrice === null && r.exitTime === null && r.fees === null && r.profitLoss === null && r.profitLossPercentage === null;
}

/** True when `r` (tradeRecordFromJson(t)) is compact and rebuilds `t` exactly (canonical ISO times). */
export function jsonIsCompact(t: TradeJson, r: TradeRecord): boolean {
  return isCompactRecord(r) && jsonRoundTrips(t, r);
}

/** The wire form kept whole for a hydrated trade the compact parts cannot rebuild (pending, unusual). */
export function keptWhole(r: TradeRecord): TradeJson | undefined {
  return r.status === 'PENDING' || !isCompactRecord(r) ? tradeJson(r) : undefined;
}
