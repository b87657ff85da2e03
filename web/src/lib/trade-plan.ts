// What a trade's plan shows on the page (SPEC §9): targets filled, what is still open, the stop in
// force and how it got there, leg and exit labels. Reads the wire form only; no money math here.
import type { LegKind } from '../../../shared/constants.ts';
import type { TradeJson } from '../../../shared/protocol-types.ts';

type PlanView = Pick<
  TradeJson,
  'direction' | 'entry_price' | 'quantity' | 'take_profit' | 'stop_loss' | 'initial_stop_loss' | 'targets' | 'remaining_quantity'
> & {
  trailing_stop: Pick<NonNullable<TradeJson['trailing_stop']>, 'level'> | null;
};

export interface TargetProgress {
  filled: number;
  total: number;
}

export function targetProgress(t: Pick<TradeJson, 'targets'>): TargetProgress {
  return { filled: t.targets.filter((x) => x.filled_at !== null).length, total: t.targets.length };
}

/** The first target still to fill (the take-profit of a single-target trade). */
export function nextTarget(t: Pick<TradeJson, 'targets' | 'take_profit'>): number {
  return t.targets.find((x) => x.filled_at === null)?.level ?? t.take_profit;
}

/** Share of the position still open, 0..1. */
export function openShare(t: Pick<TradeJson, 'quantity' | 'remaining_quantity'>): number {
  return t.quantity > 0 ? Math.min(1, Math.max(0, t.remaining_quantity / t.quantity)) : 0;
}

/** How the stop in force came to be where it is. */
export type StopKind = 'initial' | 'breakeven' | 'moved' | 'trailing';

export interface StopInForce {
  price: number;
  kind: StopKind;
}

// A trailing level is rounded as money on the wire; within this it is the same stop as stop_loss.
const SAME_LEVEL = 1e-9;

/**
 * The stop that decides the next fill: `stop_loss`, or an active trailing stop when it is at
 * least as protective (SPEC §9: the more protective of the two is in force).
 */
export function stopInForce(t: PlanView): StopInForce {
  const trail = t.trailing_stop?.level ?? null;
  if (trail !== null) {
    // > 0: the trailing stop is tighter than stop_loss; ≈ 0: it is stop_loss (the server folded it in).
    const tighter = (t.direction === 'LONG' ? 1 : -1) * (trail - t.stop_loss);
    if (tighter >= -SAME_LEVEL * Math.abs(t.stop_loss)) return { price: tighter > 0 ? trail : t.stop_loss, kind: 'trailing' };
  }
  if (t.stop_loss === t.initial_stop_loss) return { price: t.stop_loss, kind: 'initial' };
  return { price: t.stop_loss, kind: t.stop_loss === t.entry_price ? 'breakeven' : 'moved' };
}

const STOP_TITLES: Record<StopKind, string> = { initial: 'SL', breakeven: 'SL (BE)', moved: 'SL (moved)', trailing: 'Trailing SL' };

export function stopTitle(kind: StopKind): string {
  return STOP_TITLES[kind];
}

/** A target's line title: "TP" for a lone target, "TP2" otherwise, with "✓" once filled. */
export function targetTitle(index: number, total: number, filled: boolean): string {
  return `${total === 1 ? 'TP' : `TP${index + 1}`}${filled ? ' ✓' : ''}`;
}

const LEG_TITLES: Partial<Record<LegKind, string>> = { SL: 'SL', TRAILING: 'Trailing SL', MANUAL: 'Manual', EXPIRED: 'Expired' };

/** A leg's kind as the page prints it; a lone target's fill is "TP" as before §9. */
export function legTitle(kind: LegKind, targets: number): string {
  if (kind.startsWith('TP')) return targets === 1 ? 'TP' : kind;
  return LEG_TITLES[kind] ?? kind;
}
