// One side (LONG or SHORT) of one symbol's managed trades: several targets, managed stops and
// trailing stops (SPEC §9). Everything is kept in x-space, x = price for LONG and −price for
// SHORT, so a target or an activation fires when x rises to it (the `rise` queue) and a stop when x
// falls to it (the `fall` queue, negated keys). Levels are pushed when set (open, fill, update) and
// dropped lazily by generation; trailing stops live in the TrailingStack. A tick costs O(1) when it
// crosses nothing and O(log n) per level it crosses, amortised (docs/architecture.md). A trade is
// a record of managed-records.ts, named by its offset `b`.
import type { Direction } from '../../shared/constants.ts';
import { LEG_KINDS, legFees, legProfitLoss, managedStopPast, MAX_TARGETS, splitQuantity } from '../../shared/leg-math.ts';
import { LevelQueue } from './level-queue.ts';
import { factorOf, FIELDS, FIXED, ManagedRecords, STOP_MODES, STRIDE, TrailRef } from './managed-records.ts';
import type { LegFill, LegKind, ManagedProgress, ManagedState, ManagedTerms, TrailingTerms } from './managed-types.ts';
import { TrailingStack, type TrailEntry } from './trailing-stack.ts';

const { ARMED_BEST, AT, CLOSED, COUNT, ENTRY, FACTOR, FILLED, ID, MODE, STOP, STOP_GEN, TARGET_GEN, TRAIL_GEN } = FIELDS;

const TARGET = 0;
const STOP_LEVEL = 1;
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

/** A trade (record offset `b`) as the ManagedBook holds it. */
export type ManagedTrade = number;

export class ManagedSide {
  private readonly records = new ManagedRecords();
  private readonly rise = new LevelQueue();
  private readonly fall = new LevelQueue();
  private readonly stack = new TrailingStack();
  private readonly activated: number[] = [];
  private readonly moved: number[] = [];
  private readonly fired: TrailEntry[] = [];
  private readonly sign: 1 | -1;
  private live = 0;

  constructor(
    readonly direction: Direction,
    private readonly feeRate: number,
  ) {
    this.sign = direction === 'LONG' ? 1 : -1;
  }

  get size(): number {
    return this.live;
  }

  /** Adds an open trade (new, or hydrated with its progress); it is evaluated from the next tick on. */
  add(terms: ManagedTerms, progress?: ManagedProgress): ManagedTrade {
    const b = this.records.open({ ...terms }, this.sign, progress?.filled ?? 0, splitQuantity(terms.quantity, terms.shares));
    this.live++;
    this.pushTarget(b);
    this.pushStop(b);
    this.startTrailing(b, progress?.trailingBest ?? null, terms.entryPrice);
    return b;
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
      const b = rise.pop();
      const tag = rise.poppedTag;
      if (!this.current(b, tag)) continue;
      if (tag % 4 === TARGET) this.fillTargets(b, x, ts, out);
      else this.activated.push(b);
    }
    this.stack.raise(x);
    const f = this.records.f;
    for (const b of this.activated) {
      if (f[b + CLOSED] !== 0) continue;
      f[b + TRAIL_GEN] = (f[b + TRAIL_GEN] as number) + 1;
      f[b + ARMED_BEST] = NaN;
      this.join(b, x);
    }
    this.activated.length = 0;
    const fall = this.fall;
    while (fall.top() <= -x) {
      const b = fall.pop();
      if (this.current(b, fall.poppedTag)) this.closeRest(b, this.stopKind(b), price, ts, out);
    }
    const fired = this.fired;
    this.stack.fire(x, fired);
    for (const e of fired) this.closeRest((e as TrailRef).b, this.stopKind((e as TrailRef).b), price, ts, out, true);
    fired.length = 0;
    for (const b of this.moved) this.moveStop(b);
    this.moved.length = 0;
  }

  /** Closes what is left of a trade at `price` (manual close, expiry). */
  close(b: ManagedTrade, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number, out: LegFill[]): void {
    if (this.records.f[b + CLOSED] === 0) this.closeRest(b, kind, price, ts, out);
  }

  /** The trade's terms as they stand (its stop moved by fills included). */
  terms(b: ManagedTrade): ManagedTerms {
    return { ...(this.records.terms[b / STRIDE] as ManagedTerms), stopLoss: this.records.f[b + STOP] as number };
  }

  /**
   * Replaces a trade's levels for its unfilled part (SPEC §9 updates; validated by the caller
   * against the last price). `targets` replace the unfilled targets and `shares` split the
   * remaining quantity between them. A new trailing stop without activation price starts from the
   * last price (or entry, before any tick).
   */
  update(
    b: ManagedTrade,
    change: { stopLoss?: number; targets?: readonly number[]; shares?: readonly number[]; slMode?: ManagedTerms['slMode']; trailing?: TrailingTerms | null },
    lastPrice?: number,
  ): void {
    const f = this.records.f;
    if (f[b + CLOSED] !== 0) throw new RangeError(`trade ${f[b + ID]} is closed`);
    const terms = this.terms(b);
    if (change.targets !== undefined && (f[b + FILLED] as number) + change.targets.length > MAX_TARGETS) throw new RangeError(`at most ${MAX_TARGETS} targets`);
    if (change.slMode !== undefined) {
      terms.slMode = change.slMode;
      f[b + MODE] = STOP_MODES.indexOf(change.slMode);
    }
    if (change.stopLoss !== undefined) {
      terms.stopLoss = change.stopLoss;
      f[b + STOP] = change.stopLoss;
      this.pushStop(b);
    }
    if (change.targets !== undefined) {
      this.records.replaceTargets(b, this.sign, terms, change.targets, change.shares);
      this.pushTarget(b);
    }
    this.records.terms[b / STRIDE] = terms;
    if (change.trailing !== undefined) {
      const trail = this.records.trail[b / STRIDE] as TrailRef | null;
      if (trail !== null && trail.live()) this.stack.retire();
      this.records.trail[b / STRIDE] = null;
      f[b + ARMED_BEST] = NaN;
      f[b + TRAIL_GEN] = (f[b + TRAIL_GEN] as number) + 1;
      terms.trailing = change.trailing;
      f[b + FACTOR] = factorOf(this.sign, change.trailing);
      if (change.trailing !== null) {
        const start = change.trailing.activationPrice === undefined && lastPrice !== undefined ? lastPrice : terms.entryPrice;
        this.startTrailing(b, null, start);
      }
    }
  }

  state(b: ManagedTrade): ManagedState {
    const f = this.records.f;
    const trailX = this.trailX(b);
    const stopX = this.sign * (f[b + STOP] as number);
    const trail = this.records.trail[b / STRIDE] as TrailRef | null;
    const bestX = trail !== null && trail.live() ? this.stack.bestOf(trail) : (f[b + ARMED_BEST] as number);
    return {
      filled: f[b + FILLED] as number,
      remainingQuantity: f[b + CLOSED] !== 0 ? 0 : this.records.remaining(b),
      stopLoss: f[b + STOP] as number,
      trailingStop: trailX === -Infinity ? null : this.sign * trailX,
      trailingBest: Number.isNaN(bestX) ? null : this.sign * bestX,
      effectiveStop: this.sign * Math.max(stopX, trailX),
    };
  }

  private startTrailing(b: number, best: number | null, start: number): void {
    const trailing = this.records.terms[b / STRIDE]?.trailing;
    if (trailing === undefined || trailing === null) return;
    const f = this.records.f;
    const gen = f[b + TRAIL_GEN] as number;
    if (best === null && trailing.activationPrice !== undefined) {
      this.rise.push(this.sign * trailing.activationPrice, b, tagOf(ACTIVATE, gen));
      return;
    }
    const bestX = this.sign * (best ?? start);
    const top = this.stack.topBest();
    if (top === undefined || top >= bestX) {
      this.join(b, bestX);
    } else {
      // Its best is above the stack's newest group: it waits, with that stop fixed, until a tick beats it.
      f[b + ARMED_BEST] = bestX;
      this.fall.push(-(bestX * (f[b + FACTOR] as number)), b, tagOf(ARMED_STOP, gen));
      this.rise.push(bestX, b, tagOf(ACTIVATE, gen));
    }
  }

  private join(b: number, bestX: number): void {
    const f = this.records.f;
    const rate = this.records.terms[b / STRIDE]?.trailing?.callbackRate ?? 0;
    const e = new TrailRef(rate, f[b + FACTOR] as number, this.records, b, f[b + TRAIL_GEN] as number);
    this.records.trail[b / STRIDE] = e;
    this.stack.add(e, bestX);
  }

  private current(b: number, tag: number): boolean {
    const f = this.records.f;
    if (f[b + CLOSED] !== 0) return false;
    const kind = tag % 4;
    const gen = kind === TARGET ? f[b + TARGET_GEN] : kind === STOP_LEVEL ? f[b + STOP_GEN] : f[b + TRAIL_GEN];
    return tag === tagOf(kind, gen as number);
  }

  private fillTargets(b: number, x: number, ts: number, out: LegFill[]): void {
    const f = this.records.f;
    const n = f[b + COUNT] as number;
    const before = f[b + FILLED] as number;
    let k = before;
    const p = this.records.pairs;
    const at = f[b + AT] as number;
    while (k < n && (p[at + 2 * k] as number) <= x) {
      const final = k + 1 === n;
      f[b + FILLED] = k + 1;
      // x = sign × target, and multiplying by ±1 is exact: the target's price comes back unchanged.
      out.push(this.leg(b, TARGET_KINDS[k] as LegKind, this.sign * (p[at + 2 * k] as number), p[at + 2 * k + 1] as number, ts, final));
      if (final) this.retire(b, false);
      k++;
    }
    if (k === before || f[b + CLOSED] !== 0) return;
    this.pushTarget(b);
    if (f[b + MODE] !== FIXED) this.moved.push(b);
  }

  private moveStop(b: number): void {
    const f = this.records.f;
    if (f[b + CLOSED] !== 0) return;
    const filled = f[b + FILLED] as number;
    const stop = f[b + STOP] as number;
    const previous = filled >= 2 ? this.sign * (this.records.pairs[(f[b + AT] as number) + 2 * (filled - 2)] as number) : (f[b + ENTRY] as number);
    const mode = STOP_MODES[f[b + MODE] as number] as ManagedTerms['slMode'];
    const next = managedStopPast(mode, this.direction, f[b + ENTRY] as number, previous, filled, stop);
    if (next === stop) return;
    f[b + STOP] = next;
    this.pushStop(b);
  }

  /** SL or TRAILING: the stop in force is the more protective one (SPEC §9); ties go to the managed stop. */
  private stopKind(b: number): LegKind {
    return this.trailX(b) > this.sign * (this.records.f[b + STOP] as number) ? 'TRAILING' : 'SL';
  }

  private trailX(b: number): number {
    const f = this.records.f;
    const trail = this.records.trail[b / STRIDE] as TrailRef | null;
    if (trail !== null && trail.live()) return this.stack.bestOf(trail) * (f[b + FACTOR] as number);
    const armed = f[b + ARMED_BEST] as number;
    if (!Number.isNaN(armed)) return armed * (f[b + FACTOR] as number);
    return -Infinity;
  }

  private closeRest(b: number, kind: LegKind, price: number, ts: number, out: LegFill[], firedFromStack = false): void {
    const fill = this.leg(b, kind, price, this.records.remaining(b), ts, true);
    this.retire(b, firedFromStack);
    out.push(fill);
  }

  private retire(b: number, firedFromStack: boolean): void {
    const trail = this.records.trail[b / STRIDE] as TrailRef | null;
    if (!firedFromStack && trail !== null && trail.live()) this.stack.retire();
    this.records.f[b + CLOSED] = 1;
    this.records.release(b);
    this.live--;
  }

  private leg(b: number, kind: LegKind, price: number, quantity: number, time: number, final: boolean): LegFill {
    const f = this.records.f;
    const entry = f[b + ENTRY] as number;
    const fees = legFees(entry, quantity, price, this.feeRate);
    const profitLoss = legProfitLoss(this.direction, entry, quantity, price, this.feeRate);
    return { id: f[b + ID] as number, kind, price, quantity, time, fees, profitLoss, final };
  }

  private pushTarget(b: number): void {
    const f = this.records.f;
    const gen = (f[b + TARGET_GEN] as number) + 1;
    f[b + TARGET_GEN] = gen;
    const filled = f[b + FILLED] as number;
    if (filled < (f[b + COUNT] as number)) this.push(this.rise, this.records.pairs[(f[b + AT] as number) + 2 * filled] as number, b, tagOf(TARGET, gen));
  }

  private pushStop(b: number): void {
    const f = this.records.f;
    const gen = (f[b + STOP_GEN] as number) + 1;
    f[b + STOP_GEN] = gen;
    this.push(this.fall, -(this.sign * (f[b + STOP] as number)), b, tagOf(STOP_LEVEL, gen));
  }

  private push(q: LevelQueue, key: number, b: number, tag: number): void {
    q.push(key, b, tag);
    if (q.size > 4 * this.live + QUEUE_SLACK) q.filter((e, g) => this.current(e, g));
  }
}
