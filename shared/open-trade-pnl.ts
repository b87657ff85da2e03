// Live P/L of an open trade that may be partly filled (SPEC §9): the legs already filled are
// realised, the remainder is valued at the price with its exit fee. Page and server use these.
import type { TradeJson } from './protocol-types.ts';
import type { ProfitLoss } from './trade-math.ts';
import { roundPct } from './trade-math.ts';
import { legMoney, sumMoney, type LegMoney } from './leg-math.ts';

/**
 * What an open trade's live P/L reads from its wire form. The §9 fields may be absent on a trade in
 * the pre-§9 shape (an older peer in a rolling deploy, hand-written test data): then nothing has
 * filled and the whole quantity is open, as before.
 */
export type OpenTradeTerms = Pick<TradeJson, 'direction' | 'entry_price' | 'quantity' | 'position_size'> &
  Partial<Pick<TradeJson, 'remaining_quantity' | 'realized_profit_loss'>> & {
    legs?: ReadonlyArray<Pick<TradeJson['legs'][number], 'fees'>>;
  };

/**
 * The unfilled remainder valued at `price`: entry and exit fee of `remaining_quantity` included
 * (SPEC §2's unrealised P/L, applied to what is still open). SPEC §9's `unrealized_profit_loss`
 * sums these; the filled legs are not in it.
 */
export function remainderPnl(t: OpenTradeTerms, price: number, feeRate: number): LegMoney {
  return legMoney({ direction: t.direction, entryPrice: t.entry_price }, t.remaining_quantity ?? t.quantity, price, feeRate);
}

/** A trade's remainder P/L as a ProfitLoss: the percentage on `position_size`, as for a whole trade. */
export function unrealizedRemainder(t: OpenTradeTerms, price: number, feeRate: number): ProfitLoss {
  const rest = remainderPnl(t, price, feeRate);
  return { fees: rest.fees, profitLoss: rest.profitLoss, profitLossPercentage: percentOf(rest.profitLoss, t.position_size) };
}

/**
 * The whole trade's P/L if the remainder closed at `price` now: `realized_profit_loss` plus the
 * remainder's P/L; fees are the legs' fees plus the remainder's. For a trade with no filled leg
 * this is exactly trade-math's unrealizedPnl of the whole position.
 */
export function openTradePnl(t: OpenTradeTerms, price: number, feeRate: number): ProfitLoss {
  const rest = remainderPnl(t, price, feeRate);
  const profitLoss = sumMoney([t.realized_profit_loss ?? 0, rest.profitLoss]);
  const fees = sumMoney([...(t.legs ?? []).map((l) => l.fees), rest.fees]);
  return { fees, profitLoss, profitLossPercentage: percentOf(profitLoss, t.position_size) };
}

/** trade-math's percentage rule: P/L on position_size, rounded to 4 decimals. */
function percentOf(profitLoss: number, positionSize: number): number {
  return roundPct((profitLoss / positionSize) * 100);
}
