// Checks on trades entering the book, and the NaN-for-null encoding of the typed-array store.
import type { BookTrade } from './types.ts';

/** The store keeps nullable ids as NaN. */
export function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

export function assertTradeTerms(t: BookTrade): void {
  if (!Number.isFinite(t.id)) throw new RangeError(`trade id must be a finite number: ${t.id}`);
  if (t.direction !== 'LONG' && t.direction !== 'SHORT') throw new RangeError(`bad direction: ${t.direction}`);
  for (const key of ['entryPrice', 'quantity', 'positionSize', 'takeProfit', 'stopLoss'] as const) {
    if (!positive(t[key])) throw new RangeError(`trade ${t.id}: ${key} must be positive and finite`);
  }
}

function positive(v: number): boolean {
  return v > 0 && v < Infinity;
}
