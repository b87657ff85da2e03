// Ports the engine needs from persistence. Plain interfaces: the PostgreSQL adapter implements them,
// the engine never sees MikroORM.
import type { StoredSignal } from '../../shared/signal-schema.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeTotals } from '../../shared/metrics/index.ts';
import type { ClosedStatus, LegKind, SignalStatus, StopMode } from '../../shared/constants.ts';
import type { TradePlan, TradeRecord } from '../../shared/trade-json.ts';

/**
 * A trade in wire form with its owner, for routing (public or one user's streams). Kept as a pair:
 * TradeJson never carries the owner (the wire must not leak it), yet the engine and the user
 * streams need it beside every trade they hand on.
 */
export interface OwnedTrade {
  trade: TradeJson;
  /** null = system trade. */
  userId: number | null;
}

/**
 * Where hydration goes: the count of open trades first (to size the book once), then each trade as
 * a TradeRecord (openedAt = entry_time, times in epoch ms). The record object may be reused for the
 * next row: the sink copies what it keeps.
 */
export interface OpenTradeSink {
  expect(count: number): void;
  trade(r: TradeRecord): void;
}

export interface IngestResult {
  signalId: number;
  trade: TradeJson | null;
  /** The trade's owner: null for a system trade, the private bots' account for a private bot's. */
  userId: number | null;
  /** True when the signal had been stored before (a resend): nothing new was written. */
  duplicate: boolean;
}

/** The one close of a trade as the store writes it (the engine's CloseWriter hands it on once per trade). */
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

/** How a bot names one of its signals: by our id or by its own external id. */
export interface SignalLookup {
  signalId?: number | undefined;
  externalId?: string | undefined;
}

/** A stored signal as cancelling needs it: its status and its system trade, if any. */
export interface SignalRef {
  id: number;
  status: SignalStatus;
  tradeId: number | null;
}

/** One fill of a managed trade as the book decided it (SPEC §9); money from shared/leg-math.ts. */
export interface LegWrite {
  kind: LegKind;
  price: number;
  quantity: number;
  time: Date;
  fees: number;
  profitLoss: number;
}

/** The trade after those fills, as the book has it. */
export interface LegWriteState {
  /** The managed stop in force (not the trailing stop). */
  stopLoss: number;
  trailingBestPrice?: number | null;
  priceGap?: boolean;
}

export interface LegWriteResult {
  /** Legs stored by this call, and those another writer had stored already: together, the call's legs as the database holds them. */
  written: LegWrite[];
  duplicates: LegWrite[];
  /** This call's last leg closed the trade. */
  closed: boolean;
  remainingQuantity: number;
  realizedProfitLoss: number;
}

/** A trade's terms after a signal update (SPEC §9), complete; `takeProfit` is the last target. */
export interface UpdatedTerms {
  takeProfit: number;
  stopLoss: number;
  /** null: one target at takeProfit. */
  targets: Array<{ level: number; share: number }> | null;
  slMode: StopMode;
  trailingCallbackRate: number | null;
  trailingActivationPrice: number | null;
}

export interface TradeStorePort {
  /**
   * Stores a signal update with its new terms and its ledger event, idempotent by (signal, update_id):
   * `duplicate` when that update_id was applied before. ConflictError if the trade is closed.
   */
  recordSignalUpdate(signalId: number, updateId: string | null, payload: unknown, terms: UpdatedTerms): Promise<{ duplicate: boolean }>;
  /** Whether this update_id of the signal was applied before (a resend, also after the trade closed). */
  hasSignalUpdate(signalId: number, updateId: string): Promise<boolean>;
  /**
   * Stores a managed trade's fills exactly once each (per trade and kind, across processes); the
   * fill of the rest closes the trade in the same transaction. ConflictError if it is no longer open.
   */
  appendLegs(tradeId: number, legs: readonly LegWrite[], state: LegWriteState): Promise<LegWriteResult>;
  /** Records trailing stops' best prices (only ever more protective; open trades only). */
  saveTrailingBests(items: ReadonlyArray<{ id: number; best: number }>): Promise<void>;
  /** Plans (with legs so far) of every open managed trade, for hydration. */
  openTradePlans(): Promise<Map<number, TradePlan>>;
  ingestSignal(p: StoredSignal & { source: string }, opts: { positionSize: number; now: Date; entryStatus?: 'OPEN' | 'PENDING' }): Promise<IngestResult>;
  /** Guarded close: true if this call closed it, false if it was already closed. */
  closeTrade(c: CloseRecord): Promise<boolean>;
  findSignal(source: string | null, ref: SignalLookup): Promise<SignalRef | null>;
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
