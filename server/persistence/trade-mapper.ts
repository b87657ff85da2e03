// The one mapping between stored trades and the other shapes: wire JSON and book positions.
import type { Direction, TradeStatus } from '../../shared/constants.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeRow } from './rows.ts';

/** What the open-trade book needs to track a position. */
export interface BookTradeInit {
  id: number;
  userId: number | null;
  signalId: number | null;
  symbol: string;
  direction: Direction;
  status: TradeStatus;
  entryPrice: number;
  quantity: number;
  positionSize: number;
  takeProfit: number;
  stopLoss: number;
  /** entry_time in epoch ms. */
  openedAt: number;
}

export function tradeRowToJson(r: TradeRow): TradeJson {
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
    entry_time: r.entryTime.toISOString(),
    position_size: r.positionSize,
    quantity: r.quantity,
    take_profit: r.takeProfit,
    stop_loss: r.stopLoss,
    status: r.status,
    exit_price: r.exitPrice,
    exit_time: r.exitTime ? r.exitTime.toISOString() : null,
    fees: r.fees,
    profit_loss: r.profitLoss,
    profit_loss_percentage: r.profitLossPercentage,
    price_gap: r.priceGap,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function tradeRowToBook(r: TradeRow): BookTradeInit {
  return {
    id: r.id,
    userId: r.userId,
    signalId: r.signalId,
    symbol: r.symbol,
    direction: r.direction,
    status: r.status,
    entryPrice: r.entryPrice,
    quantity: r.quantity,
    positionSize: r.positionSize,
    takeProfit: r.takeProfit,
    stopLoss: r.stopLoss,
    openedAt: r.entryTime.getTime(),
  };
}
