// One side (LONG or SHORT) of one symbol's managed trades: several targets, managed stops and
// trailing stops (SPEC §9). Everything is kept in x-space, x = price for LONG and −price for
// SHORT, so a target or an activation fires when x rises to it (the `rise` queue) and a stop when x
// falls to it (the `fall` queue, negated keys). Levels are pushed when set (open, fill, update) and
// dropped lazily by generation; trailing stops live in the TrailingStack. A tick costs O(1) when it
// crosses nothing and O(log n) per level it crosses, amortised (docs/architecture.md).
import type { Direction } from '../../shared/constants.ts';
import { LEG_KINDS, legMoney, managedStopAfter, MAX_TARGETS, splitQuantity, sumMoney } from '../../shared/leg-math.ts';
import { MinQueue } from './min-queue.ts';
import type { LegFill, LegKind, ManagedProgress, ManagedState, ManagedTerms, TrailingTerms } from './managed-types.ts';
import { TrailingStack, type TrailEntry, type TrailGroup } from './trailing-stack.ts';

const TARGET = 0;
const STOP = 1;
/** Activation of a trailing stop: at its activation price, or at the best price of an armed one. */
const ACTIVATE = 2;
/** The fixed trailing stop of an armed trade (best known, not yet beaten by a tick). */
const ARMED_STOP = 3;

/** A queued level is its trade plus a tag, gen × 4 + kind: stale once the trade's gen for that kind moved on. */
const tagOf = (kind: number, gen: number): number => gen * 4 + kind;

/** Leg kinds of targets (TP1…TP10), taken once rather than built per fill. */
const TARGET_KINDS: readonly LegKind[] = LEG_KINDS.slice(0, MAX_TARGETS);

/** Stale levels tolerated per open trade before a queue is rebuilt. */
const QUEUE_SLACK = 64;

class ManagedTrade {
  terms: ManagedTerms;
  targetsX: number[];
  legQty: number[];
  filled: number;
  closed = false;
  targetGen = 0;
  stopGen = 0;
  trailGen = 0;
  /** x-space best of an armed trailing stop (not in the stack yet), else NaN. */
  armedBest = NaN;
  trail: Entry | null = null;

  constructor(
    terms: ManagedTerms,
    readonly sign: 1 | -1,
    filled: number,
  ) {
    this.terms = terms;
    this.targetsX = terms.targets.map((t) => sign * t);
    this.legQty = splitQuantity(terms.quantity, terms.shares);
    this.filled = filled;
  }

  get factor(): number {
    const rate = this.terms.trailing?.callbackRate ?? 0;
    return this.sign > 0 ? 1 - rate : 1 + rate;
  }
}

class Entry implements TrailEntry {
  group: TrailGroup | null = null;
  readonly rate: number;
  readonly factor: number;
  readonly gen: number;
  constructor(readonly t: ManagedTrade) {
    this.rate = t.terms.trailing?.callbackRate ?? 0;
    this.factor = t.factor;
    this.gen = t.trailGen;
  }
  live(): boolean {
    return !this.t.closed && this.t.trailGen === this.gen;
  }
}

export class ManagedSide {
  private readonly rise = new MinQueue<ManagedTrade>();
  private readonly fall = new MinQueue<ManagedTrade>();
  private readonly stack = new TrailingStack();
  private readonly activated: ManagedTrade[] = [];
  private readonly moved: ManagedTrade[] = [];
  private readonly fired: TrailEntry[] = [];
  private live = 0;

  constructor(
    readonly direction: Direction,
    private readonly feeRate: number,
  ) {}

  private get sign(): 1 | -1 {
    return this.direction === 'LONG' ? 1 : -1;
  }

  get size(): number {
    return this.live;
  }

  /** Adds an open trade (new, or hydrated with its progress); it is evaluated from the next tick on. */
  add(terms: ManagedTerms, progress?: ManagedProgress): ManagedTrade {
    const t = new ManagedTrade({ ...terms }, this.sign, progress?.filled ?? 0);
    this.live++;
    this.pushTarget(t);
    this.pushStop(t);
    this.startTrailing(t, progress?.trailingBest ?? null, terms.entryPrice);
    return t;
  }

  /** x at or above which a tick has work here (a target, an activation, a new best for trailing stops). */
  upGate(): number {
    const best = this.stack.topBest();
    return best === undefined ? this.rise.top() : Math.min(this.rise.top(), best);
  }

  /** x at or below which a tick has work here (a stop, a trailing stop). */
  downGate(): number {
    return -Math.min(this.fall.top(), this.stack.stopTop());
  }

  /** Applies a tick at `price` (already known to be newer than the symbol's last), appending fills to `out`. */
  tick(price: number, ts: number, out: LegFill[]): void {
    const x = this.sign * price;
    const rise = this.rise;
    while (rise.top() <= x) {
      const t = rise.pop();
      const tag = rise.poppedTag;
      if (!this.current(t, tag)) continue;
      if (tag % 4 === TARGET) this.fillTargets(t, x, ts, out);
      else this.activated.push(t);
    }
    this.stack.raise(x);
    for (const t of this.activated) {
      if (t.closed) continue;
      t.trailGen++;
      t.armedBest = NaN;
      this.join(t, x);
    }
    this.activated.length = 0;
    const fall = this.fall;
    while (fall.top() <= -x) {
      const t = fall.pop();
      if (this.current(t, fall.poppedTag)) this.closeRest(t, this.stopKind(t), price, ts, out);
    }
    const fired = this.fired;
    this.stack.fire(x, fired);
    for (const e of fired) this.closeRest((e as Entry).t, this.stopKind((e as Entry).t), price, ts, out, true);
    fired.length = 0;
    for (const t of this.moved) this.moveStop(t);
    this.moved.length = 0;
  }

  /** Closes what is left of a trade at `price` (manual close, expiry). */
  close(t: ManagedTrade, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number, out: LegFill[]): void {
    if (!t.closed) this.closeRest(t, kind, price, ts, out);
  }

  /**
   * Replaces a trade's levels for its unfilled part (SPEC §9 updates; validated by the caller
   * against the last price). `targets` replace the unfilled targets and `shares` split the
   * remaining quantity between them. A new trailing stop without activation price starts from the
   * last price (or entry, before any tick).
   */
  update(
    t: ManagedTrade,
    change: { stopLoss?: number; targets?: readonly number[]; shares?: readonly number[]; slMode?: ManagedTerms['slMode']; trailing?: TrailingTerms | null },
    lastPrice?: number,
  ): void {
    if (t.closed) throw new RangeError(`trade ${t.terms.id} is closed`);
    const terms = { ...t.terms };
    if (change.slMode !== undefined) terms.slMode = change.slMode;
    if (change.stopLoss !== undefined) {
      terms.stopLoss = change.stopLoss;
      t.terms = terms;
      this.pushStop(t);
    }
    if (change.targets !== undefined) {
      const kept = t.terms.targets.slice(0, t.filled);
      const remaining = sumMoney(t.legQty.slice(t.filled));
      const shares = change.shares ?? change.targets.map(() => 1 / change.targets!.length);
      terms.targets = [...kept, ...change.targets];
      // Filled legs keep their quantities; `terms.shares` is then per-target of the original quantity.
      const legs = [...t.legQty.slice(0, t.filled), ...splitQuantity(remaining, shares)];
      terms.shares = legs.map((q) => q / terms.quantity);
      t.terms = terms;
      t.targetsX = terms.targets.map((v) => t.sign * v);
      t.legQty = legs;
      this.pushTarget(t);
    }
    t.terms = terms;
    if (change.trailing !== undefined) {
      if (t.trail !== null && t.trail.live()) this.stack.retire();
      t.trail = null;
      t.armedBest = NaN;
      t.trailGen++;
      t.terms = { ...terms, trailing: change.trailing };
      if (change.trailing !== null) {
        const start = change.trailing.activationPrice === undefined && lastPrice !== undefined ? lastPrice : terms.entryPrice;
        this.startTrailing(t, null, start);
      }
    }
  }

  state(t: ManagedTrade): ManagedState {
    const trailX = this.trailX(t);
    const stopX = t.sign * t.terms.stopLoss;
    const bestX = t.trail !== null && t.trail.live() ? this.stack.bestOf(t.trail) : t.armedBest;
    return {
      filled: t.filled,
      remainingQuantity: t.closed ? 0 : sumMoney(t.legQty.slice(t.filled)),
      stopLoss: t.terms.stopLoss,
      trailingStop: trailX === -Infinity ? null : t.sign * trailX,
      trailingBest: Number.isNaN(bestX) ? null : t.sign * bestX,
      effectiveStop: t.sign * Math.max(stopX, trailX),
    };
  }

  private startTrailing(t: ManagedTrade, best: number | null, start: number): void {
    const trailing = t.terms.trailing;
    if (trailing === undefined || trailing === null) return;
    if (best === null && trailing.activationPrice !== undefined) {
      this.rise.push(t.sign * trailing.activationPrice, t, tagOf(ACTIVATE, t.trailGen));
      return;
    }
    const bestX = t.sign * (best ?? start);
    const top = this.stack.topBest();
    if (top === undefined || top >= bestX) {
      this.join(t, bestX);
    } else {
      // Its best is above the stack's newest group: it waits, with that stop fixed, until a tick beats it.
      t.armedBest = bestX;
      this.fall.push(-(bestX * t.factor), t, tagOf(ARMED_STOP, t.trailGen));
      this.rise.push(bestX, t, tagOf(ACTIVATE, t.trailGen));
    }
  }

  private join(t: ManagedTrade, bestX: number): void {
    const e = new Entry(t);
    t.trail = e;
    this.stack.add(e, bestX);
  }

  private current(t: ManagedTrade, tag: number): boolean {
    if (t.closed) return false;
    const kind = tag % 4;
    const gen = kind === TARGET ? t.targetGen : kind === STOP ? t.stopGen : t.trailGen;
    return tag === tagOf(kind, gen);
  }

  private fillTargets(t: ManagedTrade, x: number, ts: number, out: LegFill[]): void {
    const n = t.targetsX.length;
    const before = t.filled;
    while (t.filled < n && (t.targetsX[t.filled] as number) <= x) {
      const k = t.filled++;
      const final = t.filled === n;
      out.push(this.leg(t, TARGET_KINDS[k] as LegKind, t.terms.targets[k] as number, t.legQty[k] as number, ts, final));
      if (final) this.retire(t, false);
    }
    if (t.closed || t.filled === before) return;
    this.pushTarget(t);
    if (t.terms.slMode !== 'fixed') this.moved.push(t);
  }

  private moveStop(t: ManagedTrade): void {
    if (t.closed) return;
    const { slMode, direction, entryPrice, targets, stopLoss } = t.terms;
    const next = managedStopAfter(slMode, direction, entryPrice, targets, t.filled, stopLoss);
    if (next === stopLoss) return;
    t.terms.stopLoss = next;
    this.pushStop(t);
  }

  /** SL or TRAILING: the stop in force is the more protective one (SPEC §9); ties go to the managed stop. */
  private stopKind(t: ManagedTrade): LegKind {
    return this.trailX(t) > t.sign * t.terms.stopLoss ? 'TRAILING' : 'SL';
  }

  private trailX(t: ManagedTrade): number {
    if (t.trail !== null && t.trail.live()) return this.stack.bestOf(t.trail) * t.factor;
    if (!Number.isNaN(t.armedBest)) return t.armedBest * t.factor;
    return -Infinity;
  }

  private closeRest(t: ManagedTrade, kind: LegKind, price: number, ts: number, out: LegFill[], firedFromStack = false): void {
    const quantity = sumMoney(t.legQty.slice(t.filled));
    this.retire(t, firedFromStack);
    out.push(this.leg(t, kind, price, quantity, ts, true));
  }

  private retire(t: ManagedTrade, firedFromStack: boolean): void {
    if (!firedFromStack && t.trail !== null && t.trail.live()) this.stack.retire();
    t.closed = true;
    this.live--;
  }

  private leg(t: ManagedTrade, kind: LegKind, price: number, quantity: number, time: number, final: boolean): LegFill {
    const m = legMoney(t.terms, quantity, price, this.feeRate);
    return { id: t.terms.id, kind, price, quantity, time, fees: m.fees, profitLoss: m.profitLoss, final };
  }

  private pushTarget(t: ManagedTrade): void {
    t.targetGen++;
    if (t.filled < t.targetsX.length) this.push(this.rise, t.targetsX[t.filled] as number, t, tagOf(TARGET, t.targetGen));
  }

  private pushStop(t: ManagedTrade): void {
    t.stopGen++;
    this.push(this.fall, -(t.sign * t.terms.stopLoss), t, tagOf(STOP, t.stopGen));
  }

  private push(q: MinQueue<ManagedTrade>, key: number, t: ManagedTrade, tag: number): void {
    q.push(key, t, tag);
    if (q.size > 4 * this.live + QUEUE_SLACK) q.filter((e, g) => this.current(e, g));
  }
}

export type { ManagedTrade };
