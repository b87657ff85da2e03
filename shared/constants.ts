// Domain vocabulary shared by server, page, widget and bots: `as const` objects with derived unions.

export const DIRECTIONS = ['LONG', 'SHORT'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const MARKET_TYPES = ['SPOT', 'FUTURES'] as const;
export type MarketType = (typeof MARKET_TYPES)[number];

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const SIGNAL_STATUSES = ['ACTIVE', 'EXECUTED', 'CANCELLED', 'EXPIRED'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const TRADE_STATUSES = ['PENDING', 'OPEN', 'CLOSED_TP', 'CLOSED_SL', 'CLOSED_MANUAL', 'CLOSED_EXPIRED', 'CANCELLED'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

export const CLOSED_STATUSES = ['CLOSED_TP', 'CLOSED_SL', 'CLOSED_MANUAL', 'CLOSED_EXPIRED'] as const;
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

// A Set: `includes` on every status check was 8 % of performance/'s recompute profile (benchmarks P9).
const CLOSED_STATUS_SET: ReadonlySet<string> = new Set(CLOSED_STATUSES);

export function isClosedStatus(s: string): s is ClosedStatus {
  return CLOSED_STATUS_SET.has(s);
}

export const ENTRY_MODES = ['signal', 'touch'] as const;
export type EntryMode = (typeof ENTRY_MODES)[number];

/** Error codes grouped by what the caller should do (retry, fix input, back off). */
export const ERROR_CODES = {
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  RATE_LIMITED: 'RATE_LIMITED',
  /** Retry: nothing was stored or computed (a dependency is down, or the server is busy or stopping). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A bug on the server (logged there): retrying the same request will not help. */
  INTERNAL: 'INTERNAL',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const DEFAULTS = {
  positionSize: 100,
  feeRate: 0.001,
  timeframe: '1h',
  confidence: 0.5,
  marketType: 'SPOT',
  leverage: 1,
} as const;

export const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;

/** A token's name, and so a bot's (SPEC §11: a bot is the name of the token its signals come with). */
export const BOT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A bot's visibility (SPEC §11): `public` (listed, in the all-bots record), `unlisted` (its own
 * record by its name, not listed, not in the all-bots record) or `private` (its signals' trades
 * stand behind the wall with users' trades, from the moment it is set).
 */
export const BOT_VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type BotVisibility = (typeof BOT_VISIBILITIES)[number];
export const MAX_LEVERAGE = 125;

/** The kinds of a leg (SPEC §9): which level filled it, or how the trade was closed. */
export const LEG_KINDS = ['TP1', 'TP2', 'TP3', 'TP4', 'TP5', 'TP6', 'TP7', 'TP8', 'TP9', 'TP10', 'SL', 'TRAILING', 'MANUAL', 'EXPIRED'] as const;
export type LegKind = (typeof LEG_KINDS)[number];

/** How a trade's stop moves after its targets fill (SPEC §9). */
export const SL_MODES = ['fixed', 'breakeven', 'moving_target'] as const;
export type StopMode = (typeof SL_MODES)[number];
