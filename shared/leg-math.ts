// Money of a multi-target trade (SPEC §9): leg quantities, a leg's fees and P/L, a trade's totals.
// Built on trade-math.ts (its rounding and P/L formula); pure and not yet wired into ingest.
import type { Direction, StopMode } from './constants.ts';
import { ERROR_CODES } from './constants.ts';
import type { ApiError } from './protocol-types.ts';
import type { ProfitLoss } from './trade-math.ts';
import { feesFor, netProfitLoss, roundMoney, roundPct } from './trade-math.ts';

/** SPEC §9: 1–10 targets per signal. */
export const MAX_TARGETS = 10;

export { LEG_KINDS, type LegKind, SL_MODES, type StopMode } from './constants.ts';
/** SPEC §9: an allocation sums to 1 within this tolerance. */
export const ALLOCATION_TOLERANCE = 1e-9;

/** Money is stored with 8 decimals: one unit is 1e-8. */
const UNITS_PER_ONE = 1e8;
/**
 * Largest value whose 8-decimal form survives the trip through units: `x × 1e8` carries at most
 * ~2.2e-16 relative error, which stays under half a unit while x × 1e8 < 2.2e15. 1e7 leaves room.
 */
export const MAX_EXACT_QUANTITY = 1e7;

/**
 * An 8-decimal value (already rounded as money) as an integer count of 1e-8 units: `x × 1e8` is
 * within a fraction of a unit of an integer, and Math.round recovers that integer exactly.
 * (Not roundMoney again: its tie nudge is relative and grows with the value.)
 */
function toUnits(value: number): number {
  return Math.round(value * UNITS_PER_ONE);
}
/** The double nearest to `units × 1e-8`: the value a decimal reference prints. */
function fromUnits(units: number): number {
  return units / UNITS_PER_ONE;
}

/** Sum of money values (8 decimals), exact in decimal terms while each value and the total stay within ±MAX_EXACT_QUANTITY: added as integer units, not binary fractions. */
export function sumMoney(values: readonly number[]): number {
  return sumMoneyAt(values, 0, values.length);
}

/** sumMoney of `values[start]`, `values[start + step]`, … before `end`: the same sum without slicing (the book's records). */
export function sumMoneyAt(values: ArrayLike<number>, start: number, end: number, step = 1): number {
  let units = 0;
  for (let i = start; i < end; i += step) units += toUnits(values[i] as number);
  return fromUnits(units);
}

export type AllocationResult = { ok: true; shares: number[] } | { ok: false; error: ApiError };

/** Equal shares for `count` targets (the default when a signal gives no `tp_allocation`). */
export function equalShares(count: number): number[] {
  return Array.from({ length: count }, () => 1 / count);
}

/**
 * Validates `tp_allocation` against the number of targets (SPEC §9): same length, each share > 0
 * and finite, summing to 1 ± 1e-9. Absent → equal shares. Errors name `tp_allocation`.
 */
export function validateAllocation(targetCount: number, allocation?: readonly number[]): AllocationResult {
  const refuse = (message: string): AllocationResult => ({
    ok: false,
    error: { code: ERROR_CODES.VALIDATION_ERROR, message: `tp_allocation: ${message}`, field: 'tp_allocation' },
  });
  if (!Number.isInteger(targetCount) || targetCount < 1 || targetCount > MAX_TARGETS) {
    return { ok: false, error: { code: ERROR_CODES.VALIDATION_ERROR, message: `tp: 1 to ${MAX_TARGETS} targets`, field: 'tp' } };
  }
  if (allocation === undefined) return { ok: true, shares: equalShares(targetCount) };
  if (allocation.length !== targetCount) return refuse(`needs ${targetCount} shares, one per target (got ${allocation.length})`);
  const bad = allocation.findIndex((s) => !Number.isFinite(s) || !(s > 0));
  if (bad >= 0) return refuse(`share ${bad + 1} must be a positive number`);
  const total = allocation.reduce((a, s) => a + s, 0);
  if (Math.abs(total - 1) > ALLOCATION_TOLERANCE) return refuse(`shares must sum to 1 (got ${total})`);
  return { ok: true, shares: [...allocation] };
}

/**
 * Splits `quantity` into one leg per share (SPEC §9): `quantity × share` rounded to 8 decimals,
 * the last leg takes the remainder. The split is done in integer 1e-8 units, so the legs sum to
 * `quantity` exactly in decimal terms (not merely within a float epsilon). When the quantity has
 * fewer units than rounding needs (e.g. 1e-8 over three targets), an earlier leg is cut to what is
 * left so no leg is negative; a leg may then be 0.
 * Exact up to MAX_EXACT_QUANTITY. Above it (a 1e-5 coin at 125x) a double no longer holds 8
 * decimals reliably, and the legs sum to `quantity` within a few ulps instead.
 */
export function splitQuantity(quantity: number, shares: readonly number[]): number[] {
  if (!(quantity >= 0) || !Number.isFinite(quantity)) throw new RangeError(`quantity ${quantity} must be a finite number ≥ 0`);
  if (shares.length === 0) throw new RangeError('at least one share');
  const total = toUnits(roundMoney(quantity));
  let left = total;
  const legs: number[] = [];
  for (let i = 0; i < shares.length - 1; i++) {
    const units = Math.min(left, toUnits(roundMoney(quantity * (shares[i] ?? 0))));
    legs.push(fromUnits(units));
    left -= units;
  }
  legs.push(fromUnits(left));
  return legs;
}

export interface LegTerms {
  direction: Direction;
  entryPrice: number;
}

export interface LegMoney {
  fees: number;
  profitLoss: number;
}

/**
 * One fill's money (SPEC §9): `fees = q × (entry + price) × feeRate`, `profit_loss = dir × q ×
 * (price − entry) − fees`, both rounded as money: trade-math's P/L formula applied to the leg.
 */
export function legMoney(t: LegTerms, quantity: number, price: number, feeRate: number): LegMoney {
  return { fees: legFees(t.entryPrice, quantity, price, feeRate), profitLoss: legProfitLoss(t.direction, t.entryPrice, quantity, price, feeRate) };
}

/** A leg's fees, rounded (legMoney's, without an object: the book computes one per fill). */
export function legFees(entryPrice: number, quantity: number, price: number, feeRate: number): number {
  return roundMoney(feesFor(quantity, entryPrice, price, feeRate));
}

/** A leg's P/L after its unrounded fees, rounded: profitLossAt's formula applied to the leg. */
export function legProfitLoss(direction: Direction, entryPrice: number, quantity: number, price: number, feeRate: number): number {
  return roundMoney(netProfitLoss(direction, quantity, entryPrice, price, feesFor(quantity, entryPrice, price, feeRate)));
}

/** A trade's totals (SPEC §9): sums of its legs' rounded money; the percentage on position_size. */
export function tradeTotals(legs: readonly LegMoney[], positionSize: number): ProfitLoss {
  const fees = sumMoney(legs.map((l) => l.fees));
  const profitLoss = sumMoney(legs.map((l) => l.profitLoss));
  return { fees, profitLoss, profitLossPercentage: roundPct((profitLoss / positionSize) * 100) };
}

/**
 * The managed stop once `filled` targets have filled (SPEC §9): `fixed` keeps it; `breakeven`
 * moves it to entry after TP1; `moving_target` to the previous target (entry after TP1, TP1 after
 * TP2, …). A stop never moves back to a less protective level.
 */
export function managedStopAfter(mode: StopMode, direction: Direction, entryPrice: number, targets: readonly number[], filled: number, stop: number): number {
  return managedStopPast(mode, direction, entryPrice, filled >= 2 ? (targets[filled - 2] as number) : entryPrice, filled, stop);
}

/** managedStopAfter given only `previous`, the target before the last filled one (read when `filled` ≥ 2). */
export function managedStopPast(mode: StopMode, direction: Direction, entryPrice: number, previous: number, filled: number, stop: number): number {
  if (filled < 1 || mode === 'fixed') return stop;
  const moved = mode === 'breakeven' || filled === 1 ? entryPrice : previous;
  return direction === 'LONG' ? Math.max(stop, moved) : Math.min(stop, moved);
}

/** The trailing stop for the best price seen since activation (SPEC §9): LONG `best × (1 − rate)`, SHORT `best × (1 + rate)`. */
export function trailingStopLevel(direction: Direction, best: number, rate: number): number {
  return direction === 'LONG' ? best * (1 - rate) : best * (1 + rate);
}
