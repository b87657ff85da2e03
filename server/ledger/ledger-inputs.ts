// What the ledger records of a trade, a close and a signal, and what its verifier compares: plain
// views that the store's rows satisfy as they are, so the ledger imports nothing from persistence.
import type { Direction, MarketType, Timeframe, TradeStatus } from '../../shared/constants.ts';
import type { StoredSignal } from '../../shared/signal-schema.ts';
import type { Json } from '../../shared/canonical-json.ts';

/** A stored trade's terms and outcome (outcome null while open). */
export interface LedgerTrade {
  id: number;
  signalId: number | null;
  symbol: string;
  direction: Direction;
  marketType: MarketType;
  timeframe: Timeframe;
  confidence: number;
  leverage: number;
  entryPrice: number;
  entryTime: Date;
  positionSize: number;
  quantity: number;
  takeProfit: number;
  stopLoss: number;
  status: TradeStatus;
  exitPrice: number | null;
  exitTime: Date | null;
  fees: number | null;
  profitLoss: number | null;
  profitLossPercentage: number | null;
}

/** A close as written: every outcome field known. */
export interface LedgerClose {
  id: number;
  status: TradeStatus;
  exitPrice: number;
  exitTime: Date;
  fees: number;
  profitLoss: number;
  profitLossPercentage: number;
}

/** The signal as received: the validated payload with the source it came from. */
export type ReceivedSignal = StoredSignal & { source: string };

/** A stored signal's fields that signal_received must match. */
export interface LedgerSignal {
  externalId: string | null;
  source: string;
  symbol: string;
  direction: Direction;
  timeframe: Timeframe;
  entry: number;
  tp: number;
  sl: number;
  confidence: number;
  marketType: MarketType;
  leverage: number;
  expiresAt: Date | null;
  createdAt: Date;
}

/** SPEC §9: what a fill is called (TPk: the k-th target). */
import type { LegKind } from '../../shared/leg-math.ts';
export { LEG_KINDS, type LegKind } from '../../shared/leg-math.ts';

/** One stored fill of a trade (seq: its place among the trade's legs, from 1). */
export interface LedgerLeg {
  tradeId: number;
  seq: number;
  kind: LegKind;
  price: number;
  quantity: number;
  time: Date;
  fees: number;
  profitLoss: number;
}

/** The trade after a batch of legs: the managed stop now in force and what is left. */
export interface LedgerLegState {
  stopLoss: number;
  remainingQuantity: number;
  realizedProfitLoss: number;
}

/** A stored signal update: what was asked and the terms of the trade after it. */
export interface LedgerUpdate {
  signalId: number;
  tradeId: number;
  updateId: string | null;
  payload: Json;
  terms: Json;
  /** The trade's take_profit (last target) and stop_loss after the update. */
  takeProfit: number;
  stopLoss: number;
  at: Date;
}
