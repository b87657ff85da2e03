// What each public event records. Built from exactly what the batch writers stored.
import type { LedgerClose, LedgerLeg, LedgerLegState, LedgerTrade, LedgerUpdate, ReceivedSignal } from './ledger-inputs.ts';
import { toJson, type Json } from '../../shared/canonical-json.ts';
import type { LedgerEventDraft } from './ledger-chain.ts';

type Obj = { [key: string]: Json };

/** The signal as received (the validated payload, source included), with the id it was stored under. */
export function signalReceived(signalId: number, tradeId: number, p: ReceivedSignal, at: Date): LedgerEventDraft {
  return { kind: 'signal_received', tradeId, at, event: { signal_id: signalId, signal: toJson(p) as Obj } };
}

export function tradeOpened(t: LedgerTrade, feeRate: number): LedgerEventDraft {
  return {
    kind: 'trade_opened',
    tradeId: t.id,
    at: t.entryTime,
    event: toJson({
      signal_id: t.signalId,
      symbol: t.symbol,
      direction: t.direction,
      market_type: t.marketType,
      timeframe: t.timeframe,
      confidence: t.confidence,
      leverage: t.leverage,
      entry_price: t.entryPrice,
      entry_time: t.entryTime,
      position_size: t.positionSize,
      quantity: t.quantity,
      take_profit: t.takeProfit,
      stop_loss: t.stopLoss,
      status: t.status,
      fee_rate: feeRate,
    }) as Obj,
  };
}

/** A touch-mode trade filled: PENDING → OPEN at `at`. */
export function tradeActivated(tradeId: number, at: Date): LedgerEventDraft {
  return { kind: 'trade_activated', tradeId, at, event: { entry_time: at.toISOString() } };
}

export function tradeClosed(c: LedgerClose): LedgerEventDraft {
  return {
    kind: 'trade_closed',
    tradeId: c.id,
    at: c.exitTime,
    event: toJson({
      status: c.status,
      reason: c.status === 'CANCELLED' ? 'CANCELLED' : c.status.replace('CLOSED_', ''),
      exit_price: c.exitPrice,
      exit_time: c.exitTime,
      fees: c.fees,
      profit_loss: c.profitLoss,
      profit_loss_percentage: c.profitLossPercentage,
    }) as Obj,
  };
}

/** One fill of a system trade, with the trade's managed stop and remainder after it. */
export function tradeLeg(l: LedgerLeg, after: LedgerLegState): LedgerEventDraft {
  return {
    kind: 'trade_leg',
    tradeId: l.tradeId,
    at: l.time,
    event: toJson({
      seq: l.seq,
      leg: l.kind,
      price: l.price,
      quantity: l.quantity,
      time: l.time,
      fees: l.fees,
      profit_loss: l.profitLoss,
      stop_loss: after.stopLoss,
      remaining_quantity: after.remainingQuantity,
      realized_profit_loss: after.realizedProfitLoss,
    }) as Obj,
  };
}

/** A signal update applied to its system trade: the request as given and the terms it led to. */
export function signalUpdated(u: LedgerUpdate): LedgerEventDraft {
  return {
    kind: 'signal_updated',
    tradeId: u.tradeId,
    at: u.at,
    event: toJson({
      signal_id: u.signalId,
      update_id: u.updateId,
      update: u.payload,
      terms: u.terms,
      take_profit: u.takeProfit,
      stop_loss: u.stopLoss,
    }) as Obj,
  };
}
