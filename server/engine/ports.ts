// Ports the engine needs from persistence. Plain interfaces: the PostgreSQL adapter implements them,
// the engine never sees MikroORM.
import type { SignalPayload } from '../../shared/signal-schema.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeTotals } from '../../shared/metrics/index.ts';
import type { ClosedStatus } from '../../shared/constants.ts';
import type { BookTrade } from '../book/types.ts';
import type { SideFields } from './open-trade-table.ts';

export interface OwnedTrade {
  trade: TradeJson;
  /** null = system trade. */
  userId: number | null;
}

/**
 * An open trade as hydration streams it: the book's terms (openedAt = entry_time) and the side
 * fields, times in epoch ms, no ISO strings. The object may be reused for the next row.
 */
export interface OpenTradeFields extends BookTrade, SideFields {
  exitPrice: number | null;
  exitTime: number | null;
  fees: number | null;
  profitLoss: number | null;
  profitLossPercentage: number | null;
}

/** Where hydration goes: the count of open trades first (to size the book once), then each trade. */
export interface OpenTradeSink {
  expect(count: number): void;
  trade(f: OpenTradeFields): void;
}

export interface IngestResult {
  signalId: number;
  trade: TradeJson | null;
  duplicate: boolean;
}

export interface CloseRecord {
  id: number;
  /** CANCELLED: a pending (touch-mode) trade that never filled. */
  status: ClosedStatus | 'CANCELLED';
  exitPrice: number;
  exitTime: Date;
  fees: number;
  profitLoss: number;
  profitLossPercentage: number;
  priceGap: boolean;
}

export interface SignalRef {
  id: number;
  status: string;
  tradeId: number | null;
}

export interface TradeStorePort {
  ingestSignal(
    p: SignalPayload & { source: string },
    opts: { positionSize: number; now: Date; entryStatus?: 'OPEN' | 'PENDING' },
  ): Promise<IngestResult>;
  /** Guarded close: true if this call closed it, false if it was already closed. */
  closeTrade(c: CloseRecord): Promise<boolean>;
  findSignal(source: string | null, ref: { signalId?: number; externalId?: string }): Promise<SignalRef | null>;
  markSignalCancelled(signalId: number): Promise<void>;
  /** Streams every OPEN/PENDING trade (system and user) by ascending id, count first. Returns the count. */
  hydrateOpenTrades(sink: OpenTradeSink): Promise<number>;
  /** System trades reduced to the summary's inputs (for the live summary at start-up). */
  systemTradeTotals(): Promise<TradeTotals>;
  recentClosedSystemTrades(limit: number): Promise<TradeJson[]>;
  getTrade(id: number): Promise<OwnedTrade | null>;
  /** PENDING → OPEN (touch mode). False if it was no longer pending. */
  activateTrade(id: number, at: Date): Promise<boolean>;
  /** Expiry times of open/pending trades whose signal has `expires_at` (for hydration). */
  openTradeExpiries(): Promise<Array<{ id: number; expiresAt: Date }>>;
}
