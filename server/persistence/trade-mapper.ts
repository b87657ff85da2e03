// The one mapping from a stored trade (TradeRow) to the other shapes: its in-memory record, and
// through shared/trade-json.ts (the wire's one builder) its TradeJson.
import { tradeJson, type TradeRecord } from '../../shared/trade-json.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeRow } from './rows.ts';

function tradeRowToRecord(r: TradeRow): TradeRecord {
  return {
    id: r.id,
    userId: r.userId,
    signalId: r.signalId,
    symbol: r.symbol,
    direction: r.direction,
    marketType: r.marketType,
    timeframe: r.timeframe,
    confidence: r.confidence,
    leverage: r.leverage,
    entryPrice: r.entryPrice,
    openedAt: r.entryTime.getTime(),
    positionSize: r.positionSize,
    quantity: r.quantity,
    takeProfit: r.takeProfit,
    stopLoss: r.stopLoss,
    status: r.status,
    exitPrice: r.exitPrice,
    exitTime: r.exitTime ? r.exitTime.getTime() : null,
    fees: r.fees,
    profitLoss: r.profitLoss,
    profitLossPercentage: r.profitLossPercentage,
    priceGap: r.priceGap,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  };
}

export function tradeRowToJson(r: TradeRow): TradeJson {
  return tradeJson(tradeRowToRecord(r));
}
