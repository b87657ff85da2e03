// Plain data of trades with several targets, a managed stop or a trailing stop (SPEC §9), as the
// book takes and emits them. Money and stop rules are shared/leg-math.ts's.
import type { Direction } from '../../shared/constants.ts';
import type { StopMode } from '../../shared/leg-math.ts';

export interface TrailingTerms {
  callbackRate: number;
  activationPrice?: number;
}

/** A trade's levels as the signal (or its last update) set them. */
export interface ManagedTerms {
  id: number;
  direction: Direction;
  entryPrice: number;
  quantity: number;
  /** 1–10 levels moving away from entry in the profit direction. */
  targets: readonly number[];
  /** Each target's share of the position; sums to 1. */
  shares: readonly number[];
  /** The managed stop now in force. */
  stopLoss: number;
  slMode: StopMode;
  trailing?: TrailingTerms | null;
}

/** Where a hydrated trade stands: targets filled so far and the best price its trailing stop has seen (null = not activated). */
export interface ManagedProgress {
  filled: number;
  trailingBest: number | null;
}

export type { LegKind } from '../../shared/leg-math.ts';
import type { LegRecord } from '../../shared/trade-json.ts';

/** One fill (SPEC §9): a leg (shared/trade-json.ts) of trade `id`, money from shared/leg-math.ts; `final` = the trade is now closed. */
export interface LegFill extends LegRecord {
  id: number;
  final: boolean;
}

/** A managed trade's live state, for JSON, persistence and the page. */
export interface ManagedState {
  filled: number;
  remainingQuantity: number;
  /** The managed stop (moved by fills and updates). */
  stopLoss: number;
  /** The trailing stop now in force, or null (no trailing stop or not activated). */
  trailingStop: number | null;
  trailingBest: number | null;
  /** The more protective of the two: the stop that fires next. */
  effectiveStop: number;
}
