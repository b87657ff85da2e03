// The one place money is computed (SPEC §2). Server, page, widget and bots all import these.
import type { Direction } from './constants.ts';

/** +1 for LONG, -1 for SHORT: P/L = sign × quantity × (exit − entry). */
export function directionSign(direction: Direction): 1 | -1 {
  return direction === 'LONG' ? 1 : -1;
}

/**
 * Round half away from zero to `decimals` places. The tiny relative nudge absorbs binary
 * representation error (1.005 is stored as 1.00499999…), so results match a decimal reference.
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  const rounded = Math.round(scaled * (1 + 4 * Number.EPSILON)) / factor;
  return value < 0 ? -rounded : rounded;
}

/** Money values are stored with 8 decimals (NUMERIC(30,8)). */
export const roundMoney = (v: number): number => roundTo(v, 8);
/** Percentages are stored with 4 decimals. */
export const roundPct = (v: number): number => roundTo(v, 4);

/** quantity = position_size × leverage / entry_price. */
export function quantityFor(positionSize: number, leverage: number, entryPrice: number): number {
  return roundMoney((positionSize * leverage) / entryPrice);
}

/** fees = quantity × (entry_price + exit_price) × fee_rate (taker fee on both legs). */
export function feesFor(quantity: number, entryPrice: number, exitPrice: number, feeRate: number): number {
  return quantity * (entryPrice + exitPrice) * feeRate;
}

export interface PositionTerms {
  direction: Direction;
  entryPrice: number;
  quantity: number;
  positionSize: number;
}

export interface ProfitLoss {
  fees: number;
  profitLoss: number;
  profitLossPercentage: number;
}

/** P/L = sign × quantity × (exit − entry) − fees, unrounded (profitLossAt's, and a leg's in leg-math.ts). */
export function netProfitLoss(direction: Direction, quantity: number, entryPrice: number, exitPrice: number, fees: number): number {
  return directionSign(direction) * quantity * (exitPrice - entryPrice) - fees;
}

/** Realised (or, at the last price, unrealised) P/L including entry and exit fees; rounded. */
export function profitLossAt(t: PositionTerms, exitPrice: number, feeRate: number): ProfitLoss {
  const fees = feesFor(t.quantity, t.entryPrice, exitPrice, feeRate);
  const profitLoss = roundMoney(netProfitLoss(t.direction, t.quantity, t.entryPrice, exitPrice, fees));
  return {
    fees: roundMoney(fees),
    profitLoss,
    profitLossPercentage: roundPct((profitLoss / t.positionSize) * 100),
  };
}

/** Unrealised P/L of an open position at `price`, exit fee included (SPEC §2). */
export function unrealizedPnl(t: PositionTerms, price: number, feeRate: number): ProfitLoss {
  return profitLossAt(t, price, feeRate);
}

export type ExitReason = 'TP' | 'SL';

/** Which level (if any) a tick crosses. LONG: TP at price ≥ tp, SL at price ≤ sl; SHORT mirrored. */
export function crossedLevel(direction: Direction, takeProfit: number, stopLoss: number, price: number): ExitReason | null {
  if (direction === 'LONG') {
    if (price <= stopLoss) return 'SL';
    if (price >= takeProfit) return 'TP';
  } else {
    if (price >= stopLoss) return 'SL';
    if (price <= takeProfit) return 'TP';
  }
  return null;
}

/**
 * Fill price of a level exit. TP fills at the tp level. SL fills at the worse of sl and the
 * crossing tick: a gap through the stop is paid, never forgiven.
 */
export function exitPriceFor(direction: Direction, reason: ExitReason, takeProfit: number, stopLoss: number, tickPrice: number): number {
  if (reason === 'TP') return takeProfit;
  return direction === 'LONG' ? Math.min(stopLoss, tickPrice) : Math.max(stopLoss, tickPrice);
}
