// The wire form (TradeJson) of an open trade, built on demand from the book's terms plus the side
// table, and the reverse split of a TradeJson into those parts. Same fields, same key order as
// persistence's tradeRowToJson, so a snapshot is byte-identical to one built from the row.
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { BookTrade } from '../book/types.ts';
import type { SideFields } from './open-trade-table.ts';
import type { OpenTradeFields } from './ports.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** An open trade's TradeJson from its book terms and side fields (exit fields are null while open). */
export function openTradeJson(b: BookTrade, s: SideFields): TradeJson {
  return {
    id: b.id,
    signal_id: b.signalId,
    // The side table's symbol: the book's is the price key (a FUTURES trade's ends in `.P`).
    symbol: s.symbol,
    direction: b.direction,
    market_type: s.marketType,
    timeframe: s.timeframe,
    confidence: s.confidence,
    leverage: s.leverage,
    entry_price: b.entryPrice,
    entry_time: iso(b.openedAt),
    position_size: b.positionSize,
    quantity: b.quantity,
    take_profit: b.takeProfit,
    stop_loss: b.stopLoss,
    status: s.status,
    exit_price: null,
    exit_time: null,
    fees: null,
    profit_loss: null,
    profit_loss_percentage: null,
    price_gap: s.priceGap,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}

/** The whole TradeJson of hydrated fields (pending or unusual trades only: ISO strings cost). */
export function fieldsToJson(f: OpenTradeFields): TradeJson {
  return {
    id: f.id,
    signal_id: f.signalId,
    symbol: f.symbol,
    direction: f.direction,
    market_type: f.marketType,
    timeframe: f.timeframe,
    confidence: f.confidence,
    leverage: f.leverage,
    entry_price: f.entryPrice,
    entry_time: iso(f.openedAt),
    position_size: f.positionSize,
    quantity: f.quantity,
    take_profit: f.takeProfit,
    stop_loss: f.stopLoss,
    status: f.status,
    exit_price: f.exitPrice,
    exit_time: f.exitTime === null ? null : iso(f.exitTime),
    fees: f.fees,
    profit_loss: f.profitLoss,
    profit_loss_percentage: f.profitLossPercentage,
    price_gap: f.priceGap,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
  };
}

/** True when book terms + side fields rebuild these fields exactly: an OPEN trade with no exit fields. */
export function fieldsAreCompact(f: OpenTradeFields): boolean {
  return (
    f.status === 'OPEN' &&
    f.exitPrice === null &&
    f.exitTime === null &&
    f.fees === null &&
    f.profitLoss === null &&
    f.profitLossPercentage === null
  );
}

/** A TradeJson (ingest, user trade) as fields; times as Date.parse gives them (the book's openedAt too). */
export function jsonToFields(t: TradeJson, userId: number | null): OpenTradeFields {
  return {
    id: t.id,
    userId,
    signalId: t.signal_id,
    symbol: t.symbol,
    direction: t.direction,
    marketType: t.market_type,
    timeframe: t.timeframe,
    confidence: t.confidence,
    leverage: t.leverage,
    entryPrice: t.entry_price,
    openedAt: Date.parse(t.entry_time),
    positionSize: t.position_size,
    quantity: t.quantity,
    takeProfit: t.take_profit,
    stopLoss: t.stop_loss,
    status: t.status,
    priceGap: t.price_gap,
    createdAt: Date.parse(t.created_at),
    updatedAt: Date.parse(t.updated_at),
    exitPrice: t.exit_price,
    exitTime: t.exit_time === null ? null : Date.parse(t.exit_time),
    fees: t.fees,
    profitLoss: t.profit_loss,
    profitLossPercentage: t.profit_loss_percentage,
  };
}

/** True when `f` (from jsonToFields(t)) rebuilds `t` exactly: compact, and its times are canonical ISO strings. */
export function jsonIsCompact(t: TradeJson, f: OpenTradeFields): boolean {
  const same = (ms: number, s: string): boolean => Number.isFinite(ms) && iso(ms) === s;
  return fieldsAreCompact(f) && same(f.openedAt, t.entry_time) && same(f.createdAt, t.created_at) && same(f.updatedAt, t.updated_at);
}
