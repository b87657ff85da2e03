// What each public event records. Built from exactly what the batch writers stored.
import type { CloseRecord } from '../engine/ports.ts';
import type { IngestPayload } from '../persistence/trade-store.ts';
import type { TradeRow } from '../persistence/rows.ts';
import { toJson, type Json } from './canonical-json.ts';
import type { LedgerEventDraft } from './ledger-chain.ts';

type Obj = { [key: string]: Json };

/** The signal as received (the validated payload, source included), with the id it was stored under. */
export function signalReceived(signalId: number, tradeId: number, p: IngestPayload, at: Date): LedgerEventDraft {
  return { kind: 'signal_received', tradeId, at, event: { signal_id: signalId, signal: toJson(p) as Obj } };
}

export function tradeOpened(t: TradeRow, feeRate: number): LedgerEventDraft {
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

export function tradeClosed(c: CloseRecord): LedgerEventDraft {
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
