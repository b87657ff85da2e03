// Wire shapes (SPEC §4–5): JSON a trade takes on REST and sockets, snapshot/delta, ticker, acks.
import type { BotVisibility, Direction, ErrorCode, LegKind, MarketType, StopMode, Timeframe, TradeStatus } from './constants.ts';

export interface ApiError {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** A paper trade as REST and sockets carry it. Money as numbers rounded to 8 (percentages 4). */
export interface TradeJson {
  id: number;
  signal_id: number | null;
  /** The bot (signal source) whose signal opened it (SPEC §11); null for a user's manual trade. */
  bot: string | null;
  symbol: string;
  direction: Direction;
  market_type: MarketType;
  timeframe: Timeframe;
  confidence: number;
  leverage: number;
  entry_price: number;
  entry_time: string;
  position_size: number;
  quantity: number;
  take_profit: number;
  stop_loss: number;
  status: TradeStatus;
  exit_price: number | null;
  exit_time: string | null;
  fees: number | null;
  profit_loss: number | null;
  profit_loss_percentage: number | null;
  /** True when the price feed had a gap (staleness or restart) while the trade was open. */
  price_gap: boolean;
  created_at: string;
  updated_at: string;
  // SPEC §9. A single-target trade carries them too (one target, at most one leg), so every reader
  // sees one shape; `take_profit` is the last target and `stop_loss` the stop in force.
  targets: TargetJson[];
  legs: LegJson[];
  remaining_quantity: number;
  /** Sum of the legs' P/L so far. */
  realized_profit_loss: number;
  /** The signal's stop; `stop_loss` is the one now in force (moved by fills, updates or the trailing stop). */
  initial_stop_loss: number;
  /** Kind of the last leg; null while no leg has filled. */
  exit_reason: LegKind | null;
  sl_mode: StopMode;
  trailing_stop: TrailingStopJson | null;
}

/** One target of a trade (SPEC §9): its level, its share of the position, when it filled. */
export interface TargetJson {
  level: number;
  share: number;
  filled_at: string | null;
}

/** One fill (SPEC §9): `fees = q × (entry + price) × FEE_RATE`, `profit_loss = dir × q × (price − entry) − fees`. */
export interface LegJson {
  kind: LegKind;
  price: number;
  quantity: number;
  time: string;
  fees: number;
  profit_loss: number;
}

/** A trailing stop's terms and where it stands: `best_price` since activation (null = not yet active), `level` the stop it gives. */
export interface TrailingStopJson {
  callback_rate: number;
  activation_price: number | null;
  best_price: number | null;
  level: number | null;
}

export interface OpenPositionJson extends TradeJson {
  current_price: number | null;
  unrealized_pnl: number | null;
  unrealized_pnl_percentage: number | null;
}

/** One row of the hash-chained ledger (docs/ledger.md): `hash = sha256(prev_hash ‖ canonical {kind, trade_id, event} ‖ at)`. */
export interface LedgerRecordJson {
  seq: number;
  kind: string;
  trade_id: number;
  event: unknown;
  at: string;
  prev_hash: string;
  hash: string;
}

/** `GET /api/public/paper-trading/ID/` (SPEC §13): a system trade and its ledger rows, oldest first. */
export type PublicTradeDetail = TradeJson & { ledger: LedgerRecordJson[] };

/** A bot on `GET /api/public/bots/` (SPEC §11): its headline figures over its system trades. */
export interface BotJson {
  name: string;
  /** The operator's name for it (`bot:set --display-name`), else its name. */
  display_name: string;
  description: string | null;
  /** SPEC §11: `public` bots are listed; an `unlisted` one (or a `private` one's public past) is reached by name. */
  visibility: BotVisibility;
  total_trades: number;
  open_trades: number;
  closed_trades: number;
  win_rate: number;
  /** Realised P/L of its closed trades. */
  total_profit_loss: number;
  first_trade_at: string;
  last_trade_at: string;
  /** Cumulative realised P/L at the end of each of its last (up to 60) days with a close (UTC). */
  equity: { time: string; value: number }[];
}

export interface SummaryJson {
  total_trades: number;
  open_trades: number;
  closed_trades: number;
  profitable_trades: number;
  losing_trades: number;
  breakeven_trades: number;
  win_rate: number;
  total_profit_loss: number;
  avg_profit_loss: number;
  unrealized_profit_loss: number;
  profit_factor: number | null;
  max_drawdown: number;
  total_fees: number;
  /** SPEC §9: filled legs of open trades, apart from the closed trades' figures (live views only). */
  open_realized_profit_loss?: number;
}

/** One local day of `performance/` `daily` (SPEC §12): closed P/L and closes that day. */
export interface DailyPlJson {
  /** `YYYY-MM-DD` in the requested time zone. */
  date: string;
  profit_loss: number;
  trades: number;
}

/** One month of `performance/` `monthly`: closed P/L and its % of the equity the month began with (null: equity ≤ 0). */
export interface MonthlyReturnJson {
  /** `YYYY-MM` in the requested time zone. */
  month: string;
  profit_loss: number;
  return_pct: number | null;
}

/** SPEC §12 risk and calendar fields of `performance/` (docs/protocol.md has each definition). */
export interface RiskMetricsJson {
  /** ACCOUNT_SIZE, the equity the returns are measured on. */
  account_size: number;
  /** The IANA zone `daily`, `monthly` and the daily returns are in (`tz`, default UTC). */
  time_zone: string;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown_pct: number | null;
  cagr: number | null;
  calmar: number | null;
  max_consecutive_wins: number;
  max_consecutive_losses: number;
  avg_r_multiple: number | null;
  daily: DailyPlJson[];
  monthly: MonthlyReturnJson[];
}

export interface PriceJson {
  price: number;
  ts: number;
  stale?: boolean;
}

export interface SnapshotJson {
  epoch: string;
  seq: number;
  server_time: string;
  /** FEE_RATE of this server, so clients compute live P/L with the same shared math. */
  fee_rate: number;
  summary: SummaryJson;
  open_positions: TradeJson[];
  recent_closed: TradeJson[];
  /** By price key (shared/price-key.ts): `BTCUSDT` for SPOT, `BTCUSDT.P` for FUTURES (SPEC §10). */
  prices: Record<string, PriceJson>;
}

export type DeltaEvent =
  | { type: 'opened'; trade: TradeJson }
  | { type: 'closed'; trade: TradeJson }
  /** An open trade changed without closing (SPEC §9): a leg filled or its terms were updated; replaces the open trade of that id. */
  | { type: 'updated'; trade: TradeJson }
  /** Keyed by price key like SnapshotJson.prices; `stale` lists price keys. */
  | { type: 'prices'; prices: Record<string, [price: number, ts: number]>; stale?: string[] }
  | { type: 'summary'; summary: SummaryJson };

export interface DeltaJson {
  epoch: string;
  seq: number;
  events: DeltaEvent[];
}

export interface TickerJson {
  win_rate: number;
  total_profit_loss: number;
  unrealized_profit_loss: number;
  open_trades: number;
  closed_trades: number;
  last_closed: TradeJson | null;
}

export type SignalAck = { ok: true; signal_id: number; trade_id: number | null; duplicate: boolean } | { ok: false; error: ApiError };

export type SimpleAck = { ok: true } | { ok: false; error: ApiError };
