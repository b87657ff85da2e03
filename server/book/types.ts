// Plain data the open-trade book takes and emits. Not ORM entities: persistence maps to and from these.
import type { ClosedStatus } from '../../shared/constants.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';

/**
 * An open trade as the book knows it: the terms of the trade's record (shared/trade-json.ts) that
 * prices decide on. Times are epoch milliseconds; userId null = system trade. The engine passes
 * FUTURES trades in with the price key (`SYMBOL.P`) as symbol.
 */
export type BookTrade = Pick<
  TradeRecord,
  'id' | 'userId' | 'signalId' | 'symbol' | 'direction' | 'entryPrice' | 'quantity' | 'positionSize' | 'takeProfit' | 'stopLoss' | 'openedAt'
>;

/** The one close of a trade: exit fill, fees and P/L from shared/trade-math.ts (rounded). */
export interface BookClose {
  trade: BookTrade;
  status: ClosedStatus;
  exitPrice: number;
  exitTime: number;
  fees: number;
  profitLoss: number;
  profitLossPercentage: number;
  /** The trade saw a gap in price data (restart or staleness) while open. */
  priceGap: boolean;
}

/** Synchronous fan-out of book events. A throwing listener never corrupts the book. */
export interface BookEvents {
  opened?(t: BookTrade): void;
  closed?(c: BookClose): void;
  price?(symbol: string, price: number, ts: number): void;
}

export interface OpenBookOptions {
  feeRate: number;
  listener?: BookEvents;
  /** Receives errors thrown by listener callbacks; without it the first one is rethrown after fan-out. */
  onListenerError?: (err: unknown) => void;
}

export type ManualCloseStatus = 'CLOSED_MANUAL' | 'CLOSED_EXPIRED';

export interface TradeFilter {
  /** null = system trades only; a number = that user's trades; undefined = all. */
  userId?: number | null;
  symbol?: string;
}
