// What the trade store's writes take and give, apart from PgTradeStore so that the batch writers
// (batch-writes.ts), which PgTradeStore calls, need not import the store back.
import type { StoredSignal } from '../../shared/signal-schema.ts';
import type { SignalRow, TradeRow } from './rows.ts';

export type IngestPayload = StoredSignal & { source: string };

export interface IngestOptions {
  /** USDT per trade (POSITION_SIZE). */
  positionSize: number;
  /** Signal time: the trade's entry_time and the signal's created_at. */
  now: Date;
  /** `OPEN` (default, ENTRY_MODE=signal) or `PENDING` (ENTRY_MODE=touch). */
  entryStatus?: 'OPEN' | 'PENDING';
}

/** An ingest as stored: the signal's and trade's rows (the engine port's IngestResult is their wire form). */
export interface IngestedRows {
  signal: SignalRow;
  trade: TradeRow | null;
  /** True when the signal had been stored before (a resend): nothing new was written. */
  duplicate: boolean;
}
