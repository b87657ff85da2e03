// A trade's in-memory record (camelCase, times in epoch ms) and the one builder of its wire form:
// every producer of a TradeJson (database rows, the engine's open trades) goes through tradeJson,
// so the wire's fields and key order are written here and nowhere else.
import type { Direction, MarketType, Timeframe, TradeStatus } from './constants.ts';
import type { LegJson, TargetJson, TradeJson, TrailingStopJson } from './protocol-types.ts';
import { sumMoney, trailingStopLevel, type LegKind, type StopMode } from './leg-math.ts';
import { roundMoney } from './trade-math.ts';

/**
 * A trade as the server holds it in memory: what start-up hydration streams, what the engine keeps
 * of each open trade (the book holds its terms, BookTrade), and what the wire form is built from.
 * Times are epoch milliseconds; `openedAt` is entry_time; userId null = system trade (never on the wire).
 */
export interface TradeRecord {
  id: number;
  userId: number | null;
  signalId: number | null;
  /** The bot (signal source) of a system trade, null for a user's manual trade (SPEC §11). */
  bot: string | null;
  symbol: string;
  direction: Direction;
  marketType: MarketType;
  timeframe: Timeframe;
  confidence: number;
  leverage: number;
  entryPrice: number;
  openedAt: number;
  positionSize: number;
  quantity: number;
  takeProfit: number;
  stopLoss: number;
  status: TradeStatus;
  exitPrice: number | null;
  exitTime: number | null;
  fees: number | null;
  profitLoss: number | null;
  profitLossPercentage: number | null;
  /** The trade saw a gap in price data (restart or staleness) while open. */
  priceGap: boolean;
  createdAt: number;
  updatedAt: number;
  /**
   * A managed trade's plan (SPEC §9: several targets, a managed or trailing stop) and its legs so
   * far; absent for a single-target trade with a fixed stop, whose one target and at most one leg
   * the wire form derives from the fields above.
   */
  plan?: TradePlan | undefined;
}

/** One stored fill of a trade (SPEC §9), times in epoch ms. */
export interface LegRecord {
  kind: LegKind;
  price: number;
  quantity: number;
  time: number;
  fees: number;
  profitLoss: number;
}

export interface TradePlan {
  /** Levels, moving away from entry; the last is `takeProfit`. */
  targets: readonly number[];
  /** Each target's share of the position, summing to 1. */
  shares: readonly number[];
  slMode: StopMode;
  trailing: { callbackRate: number; activationPrice: number | null } | null;
  /** Best price since the trailing stop's activation; null = not active yet. */
  trailingBest: number | null;
  /** The signal's stop; the record's `stopLoss` is the one in force. */
  initialStopLoss: number;
  legs: readonly LegRecord[];
}

/** Whether a plan needs the managed book: several targets, a stop that moves, or a trailing stop. */
export function isManagedPlan(p: { targets: { readonly length: number }; slMode: StopMode; trailing: unknown }): boolean {
  return p.targets.length > 1 || p.slMode !== 'fixed' || p.trailing !== null;
}

/** The leg kind a single close stands for (SPEC §9 exit_reason), null when the trade did not close by a fill. */
export function legKindOfStatus(status: TradeStatus): LegKind | null {
  switch (status) {
    case 'CLOSED_TP':
      return 'TP1';
    case 'CLOSED_SL':
      return 'SL';
    case 'CLOSED_MANUAL':
      return 'MANUAL';
    case 'CLOSED_EXPIRED':
      return 'EXPIRED';
    default:
      return null;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The wire form of a trade. The only place TradeJson's key order is written (snapshots compare as bytes). */
export function tradeJson(r: TradeRecord): TradeJson {
  return {
    id: r.id,
    signal_id: r.signalId,
    bot: r.bot,
    symbol: r.symbol,
    direction: r.direction,
    market_type: r.marketType,
    timeframe: r.timeframe,
    confidence: r.confidence,
    leverage: r.leverage,
    entry_price: r.entryPrice,
    entry_time: iso(r.openedAt),
    position_size: r.positionSize,
    quantity: r.quantity,
    take_profit: r.takeProfit,
    stop_loss: r.stopLoss,
    status: r.status,
    exit_price: r.exitPrice,
    exit_time: r.exitTime === null ? null : iso(r.exitTime),
    fees: r.fees,
    profit_loss: r.profitLoss,
    profit_loss_percentage: r.profitLossPercentage,
    price_gap: r.priceGap,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    ...(r.plan ? planFields(r, r.plan) : singleFields(r)),
  };
}

type PlanFields = Pick<
  TradeJson,
  'targets' | 'legs' | 'remaining_quantity' | 'realized_profit_loss' | 'initial_stop_loss' | 'exit_reason' | 'sl_mode' | 'trailing_stop'
>;

const legJson = (l: LegRecord): LegJson => ({ kind: l.kind, price: l.price, quantity: l.quantity, time: iso(l.time), fees: l.fees, profit_loss: l.profitLoss });

/** A single-target trade's §9 fields: one target, and one leg once it closed by a fill. */
function singleFields(r: TradeRecord): PlanFields {
  const kind = r.exitPrice === null || r.exitTime === null ? null : legKindOfStatus(r.status);
  const legs: LegJson[] =
    kind === null
      ? []
      : [{ kind, price: r.exitPrice as number, quantity: r.quantity, time: iso(r.exitTime as number), fees: r.fees ?? 0, profit_loss: r.profitLoss ?? 0 }];
  return {
    targets: [{ level: r.takeProfit, share: 1, filled_at: kind === 'TP1' ? iso(r.exitTime as number) : null }],
    legs,
    remaining_quantity: kind === null && r.status !== 'CANCELLED' ? r.quantity : 0,
    realized_profit_loss: kind === null ? 0 : (r.profitLoss ?? 0),
    initial_stop_loss: r.stopLoss,
    exit_reason: kind,
    sl_mode: 'fixed',
    trailing_stop: null,
  };
}

function planFields(r: TradeRecord, p: TradePlan): PlanFields {
  const filledAt = new Map(p.legs.map((l) => [l.kind, iso(l.time)]));
  const targets: TargetJson[] = p.targets.map((level, i) => ({
    level,
    share: p.shares[i] as number,
    filled_at: filledAt.get(`TP${i + 1}` as LegKind) ?? null,
  }));
  const last = p.legs[p.legs.length - 1];
  const closed = r.status !== 'OPEN' && r.status !== 'PENDING';
  const trailing: TrailingStopJson | null = p.trailing && {
    callback_rate: p.trailing.callbackRate,
    activation_price: p.trailing.activationPrice,
    best_price: p.trailingBest,
    level: p.trailingBest === null ? null : roundMoney(trailingStopLevel(r.direction, p.trailingBest, p.trailing.callbackRate)),
  };
  return {
    targets,
    legs: p.legs.map(legJson),
    remaining_quantity: closed ? 0 : sumMoney([r.quantity, -sumMoney(p.legs.map((l) => l.quantity))]),
    realized_profit_loss: sumMoney(p.legs.map((l) => l.profitLoss)),
    initial_stop_loss: p.initialStopLoss,
    exit_reason: last ? last.kind : null,
    sl_mode: p.slMode,
    trailing_stop: trailing,
  };
}

/** The plan a trade's wire form carries, or undefined for a plain single-target one (the inverse of tradeJson's §9 fields). */
export function planFromJson(t: TradeJson): TradePlan | undefined {
  // Decided on the wire fields first: a plain trade (the bulk) builds nothing.
  if (!isManagedPlan({ targets: t.targets, slMode: t.sl_mode, trailing: t.trailing_stop })) return undefined;
  return {
    targets: t.targets.map((x) => x.level),
    shares: t.targets.map((x) => x.share),
    slMode: t.sl_mode,
    trailing: t.trailing_stop && { callbackRate: t.trailing_stop.callback_rate, activationPrice: t.trailing_stop.activation_price },
    trailingBest: t.trailing_stop?.best_price ?? null,
    initialStopLoss: t.initial_stop_loss,
    legs: t.legs.map((l) => ({ kind: l.kind, price: l.price, quantity: l.quantity, time: Date.parse(l.time), fees: l.fees, profitLoss: l.profit_loss })),
  };
}

/** A TradeJson as a record (ingest, user trade, activation); times as Date.parse gives them. */
export function tradeRecordFromJson(t: TradeJson, userId: number | null): TradeRecord {
  return {
    id: t.id,
    userId,
    signalId: t.signal_id,
    bot: t.bot ?? null,
    symbol: t.symbol,
    direction: t.direction,
    marketType: t.market_type,
    timeframe: t.timeframe,
    confidence: t.confidence,
    leverage: t.leverage,
    entryPrice: t.entry_price,
    openedAt: Date.parse(t.entry_time),
    positionSize: t.position_size,
    quantity: t.quantity,
    takeProfit: t.take_profit,
    stopLoss: t.stop_loss,
    status: t.status,
    exitPrice: t.exit_price,
    exitTime: t.exit_time === null ? null : Date.parse(t.exit_time),
    fees: t.fees,
    profitLoss: t.profit_loss,
    profitLossPercentage: t.profit_loss_percentage,
    priceGap: t.price_gap,
    createdAt: Date.parse(t.created_at),
    updatedAt: Date.parse(t.updated_at),
    ...planOf(t),
  };
}

/** `{plan}` when the wire form carries a managed plan, else nothing (a plain record stays as it was). */
function planOf(t: TradeJson): { plan?: TradePlan } {
  const plan = Array.isArray(t.targets) ? planFromJson(t) : undefined;
  return plan ? { plan } : {};
}

/** True when tradeJson(r) gives `t` back exactly: every time is a canonical ISO string (toISOString's form). */
export function jsonRoundTrips(t: TradeJson, r: TradeRecord): boolean {
  const same = (ms: number | null, s: string | null): boolean => (ms === null ? s === null : Number.isFinite(ms) && iso(ms) === s);
  return same(r.openedAt, t.entry_time) && same(r.exitTime, t.exit_time) && same(r.createdAt, t.created_at) && same(r.updatedAt, t.updated_at);
}
