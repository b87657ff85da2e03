// A trade's in-memory record (camelCase, times in epoch ms) and the one builder of its wire form:
// every producer of a TradeJson (database rows, the engine's open trades) goes through tradeJson,
// so the wire's fields and key order are written here and nowhere else.
import type { Direction, MarketType, Timeframe, TradeStatus } from './constants.ts';
import type { TradeJson } from './protocol-types.ts';

/**
 * A trade as the server holds it in memory: what start-up hydration streams, what the engine keeps
 * of each open trade (the book holds its terms, BookTrade), and what the wire form is built from.
 * Times are epoch milliseconds; `openedAt` is entry_time; userId null = system trade (never on the wire).
 */
export interface TradeRecord {
  id: number;
  userId: number | null;
  signalId: number | null;
  symbol: string;
  direction: Direction;
  marketType: MarketType;
  timeframe: Timeframe;
  confidence: number;
  leverage: number;
  entryPrice: number;
  openedAt: number;
  positionSize: number;
  quantity: number;
  takeProfit: number;
  stopLoss: number;
  status: TradeStatus;
  exitPrice: number | null;
  exitTime: number | null;
  fees: number | null;
  profitLoss: number | null;
  profitLossPercentage: number | null;
  /** The trade saw a gap in price data (restart or staleness) while open. */
  priceGap: boolean;
  createdAt: number;
  updatedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The wire form of a trade. The only place TradeJson's key order is written (snapshots compare as bytes). */
export function tradeJson(r: TradeRecord): TradeJson {
  return {
    id: r.id,
    signal_id: r.signalId,
    symbol: r.symbol,
    direction: r.direction,
    market_type: r.marketType,
    timeframe: r.timeframe,
    confidence: r.confidence,
    leverage: r.leverage,
    entry_price: r.entryPrice,
    entry_time: iso(r.openedAt),
    position_size: r.positionSize,
    quantity: r.quantity,
    take_profit: r.takeProfit,
    stop_loss: r.stopLoss,
    status: r.status,
    exit_price: r.exitPrice,
    exit_time: r.exitTime === null ? null : iso(r.exitTime),
    fees: r.fees,
    profit_loss: r.profitLoss,
    profit_loss_percentage: r.profitLossPercentage,
    price_gap: r.priceGap,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/** A TradeJson as a record (ingest, user trade, activation); times as Date.parse gives them. */
export function tradeRecordFromJson(t: TradeJson, userId: number | null): TradeRecord {
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
    exitPrice: t.exit_price,
    exitTime: t.exit_time === null ? null : Date.parse(t.exit_time),
    fees: t.fees,
    profitLoss: t.profit_loss,
    profitLossPercentage: t.profit_loss_percentage,
    priceGap: t.price_gap,
    createdAt: Date.parse(t.created_at),
    updatedAt: Date.parse(t.updated_at),
  };
}

/** True when tradeJson(r) gives `t` back exactly: every time is a canonical ISO string (toISOString's form). */
export function jsonRoundTrips(t: TradeJson, r: TradeRecord): boolean {
  const same = (ms: number | null, s: string | null): boolean => (ms === null ? s === null : Number.isFinite(ms) && iso(ms) === s);
  return same(r.openedAt, t.entry_time) && same(r.exitTime, t.exit_time) && same(r.createdAt, t.created_at) && same(r.updatedAt, t.updated_at);
}
