// Plain row types the store hands out (no ORM entities leave persistence), and the decoding of
// raw pg results (numeric/bigint arrive as strings, timestamptz as text) into them.
import type { Direction, LegKind, MarketType, SignalStatus, StopMode, Timeframe, TradeStatus } from '../../shared/constants.ts';
import type { LedgerLeg } from '../ledger/ledger-inputs.ts';

type LegRow = LedgerLeg;
import type { LedgerSignal, LedgerTrade } from '../ledger/ledger-inputs.ts';

/** The stored signal: what the ledger's signal_received must match, plus its id and status. */
export interface SignalRow extends LedgerSignal {
  id: number;
  status: SignalStatus;
}

/** The stored trade: what the ledger records of it (its terms and outcome), plus owner and bookkeeping. */
export interface TradeRow extends LedgerTrade {
  /** null = system trade. */
  userId: number | null;
  /** The bot (signal source) of a system trade, null for a user's (SPEC §11). */
  bot: string | null;
  priceGap: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** SPEC §9: several targets with their shares (null = one target at takeProfit). */
  targets: Array<{ level: number; share: number }> | null;
  slMode: StopMode;
  trailingCallbackRate: number | null;
  trailingActivationPrice: number | null;
  trailingBestPrice: number | null;
  /** The signal's stop (null in rows from before §9: stopLoss). */
  initialStopLoss: number | null;
  /** Kind of the last stored leg (null: none). */
  exitReason: LegKind | null;
  /** The trade's stored legs, when the read attached them (trade-legs.ts attachLegs). */
  legs?: LegRow[];
}

export const SIGNAL_COLUMNS =
  'id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type, leverage, status, expires_at, created_at';

export const TRADE_COLUMNS =
  'id, signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time, ' +
  'position_size, quantity, take_profit, stop_loss, status, exit_price, exit_time, fees, profit_loss, ' +
  'profit_loss_percentage, price_gap, version, created_at, updated_at, targets, sl_mode, trailing_callback_rate, ' +
  'trailing_activation_price, trailing_best_price, initial_stop_loss, exit_reason, bot';

type Raw = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** pg text for timestamptz ("2025-01-02 03:04:05.123456+00") or a Date → Date. */
export function parseTimestamp(v: unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v);
  const fast = typeof v === 'string' ? parseUtcText(v) : NaN;
  if (!Number.isNaN(fast)) return new Date(fast);
  const iso = s.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`unparseable timestamp: ${s}`);
  return d;
}
const digits = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
};

/**
 * Hydration reads a million of these: PostgreSQL's UTC text form `2024-01-02 03:04:05.678901+00`
 * parsed by position (NaN for any other form, which takes the general path).
 */
function parseUtcText(s: string): number {
  const n = s.length;
  if (n < 22 || s.charCodeAt(10) !== 32 || s.charCodeAt(n - 3) !== 43 || s.charCodeAt(n - 2) !== 48 || s.charCodeAt(n - 1) !== 48) return NaN;
  let ms = 0;
  if (n > 22) {
    if (s.charCodeAt(19) !== 46) return NaN;
    const frac = s.slice(20, Math.min(23, n - 3)).padEnd(3, '0');
    ms = digits(frac, 0, 3);
  }
  return Date.UTC(digits(s, 0, 4), digits(s, 5, 7) - 1, digits(s, 8, 10), digits(s, 11, 13), digits(s, 14, 16), digits(s, 17, 19), ms);
}

const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : parseTimestamp(v));

export function signalRowFromDb(r: Raw): SignalRow {
  return {
    id: num(r.id),
    externalId: (r.external_id as string | null) ?? null,
    source: r.source as string,
    symbol: r.symbol as string,
    direction: r.direction as Direction,
    timeframe: r.timeframe as Timeframe,
    entry: num(r.entry),
    tp: num(r.tp),
    sl: num(r.sl),
    confidence: num(r.confidence),
    marketType: r.market_type as MarketType,
    leverage: num(r.leverage),
    status: r.status as SignalStatus,
    expiresAt: dateOrNull(r.expires_at),
    createdAt: parseTimestamp(r.created_at),
  };
}

export function tradeRowFromDb(r: Raw): TradeRow {
  return {
    id: num(r.id),
    signalId: numOrNull(r.signal_id),
    userId: numOrNull(r.user_id),
    bot: (r.bot as string | null | undefined) ?? null,
    symbol: r.symbol as string,
    direction: r.direction as Direction,
    marketType: r.market_type as MarketType,
    timeframe: r.timeframe as Timeframe,
    confidence: num(r.confidence),
    leverage: num(r.leverage),
    entryPrice: num(r.entry_price),
    entryTime: parseTimestamp(r.entry_time),
    positionSize: num(r.position_size),
    quantity: num(r.quantity),
    takeProfit: num(r.take_profit),
    stopLoss: num(r.stop_loss),
    status: r.status as TradeStatus,
    exitPrice: numOrNull(r.exit_price),
    exitTime: dateOrNull(r.exit_time),
    fees: numOrNull(r.fees),
    profitLoss: numOrNull(r.profit_loss),
    profitLossPercentage: numOrNull(r.profit_loss_percentage),
    priceGap: r.price_gap === true,
    version: num(r.version),
    createdAt: parseTimestamp(r.created_at),
    updatedAt: parseTimestamp(r.updated_at),
    targets: targetsOrNull(r.targets),
    slMode: (r.sl_mode as StopMode | undefined) ?? 'fixed',
    trailingCallbackRate: numOrNull(r.trailing_callback_rate),
    trailingActivationPrice: numOrNull(r.trailing_activation_price),
    trailingBestPrice: numOrNull(r.trailing_best_price),
    initialStopLoss: numOrNull(r.initial_stop_loss),
    exitReason: (r.exit_reason as LegKind | null | undefined) ?? null,
  };
}

/** jsonb `[{level, share}]` (an object from pg, or text inside to_json rows) → numbers. */
function targetsOrNull(v: unknown): Array<{ level: number; share: number }> | null {
  if (v === null || v === undefined) return null;
  const list = (typeof v === 'string' ? JSON.parse(v) : v) as Array<{ level: unknown; share: unknown }>;
  return list.map((t) => ({ level: num(t.level), share: num(t.share) }));
}
