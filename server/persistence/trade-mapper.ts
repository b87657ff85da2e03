// The one mapping from a stored trade (TradeRow) to the other shapes: its in-memory record, and
// through shared/trade-json.ts (the wire's one builder) its TradeJson.
import { isManagedPlan, tradeJson, type TradePlan, type TradeRecord } from '../../shared/trade-json.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeRow } from './rows.ts';

function tradeRowToRecord(r: TradeRow): TradeRecord {
  return {
    id: r.id,
    userId: r.userId,
    signalId: r.signalId,
    bot: r.bot,
    symbol: r.symbol,
    direction: r.direction,
    marketType: r.marketType,
    timeframe: r.timeframe,
    confidence: r.confidence,
    leverage: r.leverage,
    entryPrice: r.entryPrice,
    openedAt: r.entryTime.getTime(),
    positionSize: r.positionSize,
    quantity: r.quantity,
    takeProfit: r.takeProfit,
    stopLoss: r.stopLoss,
    status: r.status,
    exitPrice: r.exitPrice,
    exitTime: r.exitTime ? r.exitTime.getTime() : null,
    fees: r.fees,
    profitLoss: r.profitLoss,
    profitLossPercentage: r.profitLossPercentage,
    priceGap: r.priceGap,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
    ...planOfRow(r),
  };
}

/** Whether the row's trade is managed (SPEC §9): its JSON needs its stored legs (trade-legs.ts attachLegs). */
export function rowNeedsLegs(r: TradeRow): boolean {
  return r.exitReason !== null && isManagedPlan(planTerms(r));
}

function planTerms(r: TradeRow): Pick<TradePlan, 'targets' | 'slMode' | 'trailing'> {
  return {
    targets: r.targets ? r.targets.map((t) => t.level) : [r.takeProfit],
    slMode: r.slMode,
    trailing: r.trailingCallbackRate === null ? null : { callbackRate: r.trailingCallbackRate, activationPrice: r.trailingActivationPrice },
  };
}

/** The row's §9 plan with its attached legs, or nothing for a plain single-target trade. */
export function planOfRow(r: TradeRow): { plan?: TradePlan } {
  const terms = planTerms(r);
  if (!isManagedPlan(terms)) return {};
  if (r.exitReason !== null && r.legs === undefined) throw new Error(`trade ${r.id}: its legs were not read (attachLegs) before building its JSON`);
  const plan: TradePlan = {
    ...terms,
    shares: r.targets ? r.targets.map((t) => t.share) : [1],
    trailingBest: r.trailingBestPrice,
    initialStopLoss: r.initialStopLoss ?? r.stopLoss,
    legs: (r.legs ?? []).map((l) => ({ kind: l.kind, price: l.price, quantity: l.quantity, time: l.time.getTime(), fees: l.fees, profitLoss: l.profitLoss })),
  };
  return { plan };
}

export function tradeRowToJson(r: TradeRow): TradeJson {
  return tradeJson(tradeRowToRecord(r));
}
