// The open managed trades of one ManagedSide as fixed-size records in one Float64Array, each
// addressed by its offset, and their (target, quantity) pairs in a second one. Why (P2.legs,
// docs/benchmarks.md): a target fill reads the trade's record and one pair, where a trade made of
// several objects sent every fill to as many scattered places in a heap of a million trades.
// Records of closed trades are reused; their generations carry on, so levels still queued for a
// previous occupant stay stale. Pairs take what the targets need (P7.managed), and are compacted
// when an add finds more freed pairs than used ones (never during a tick).
import { MAX_TARGETS, splitQuantity, sumMoneyAt, type StopMode } from '../../shared/leg-math.ts';
import type { ManagedTerms, TrailingTerms } from './managed-types.ts';
import type { TrailEntry, TrailGroup } from './trailing-stack.ts';

/** Field offsets within a record. */
export const FIELDS = {
  /** 1 once closed (and while free). */
  CLOSED: 0,
  FILLED: 1,
  COUNT: 2,
  TARGET_GEN: 3,
  STOP_GEN: 4,
  TRAIL_GEN: 5,
  /** The managed stop in force (a price, not x). */
  STOP: 6,
  ENTRY: 7,
  /** x-space best of an armed trailing stop (not in the stack yet), else NaN. */
  ARMED_BEST: 8,
  /** Trailing factor: 1 − rate (LONG) or 1 + rate (SHORT); 1 without a trailing stop. */
  FACTOR: 9,
  /** Index in STOP_MODES. */
  MODE: 10,
  ID: 11,
  /** Where its pairs start in `pairs`: target k's x at AT + 2k, its leg quantity at AT + 2k + 1. */
  AT: 12,
  /** How many pairs fit there. */
  CAP: 13,
} as const;
const { ARMED_BEST, AT, CAP, CLOSED, COUNT, ENTRY, FACTOR, FILLED, ID, MODE, STOP, STOP_GEN, TARGET_GEN, TRAIL_GEN } = FIELDS;
export const STRIDE = 14;
/** Growth of the arrays: ×1.5 keeps less slack than doubling (P7.managed). */
const grown = (n: number): number => Math.ceil(n * 1.5);

export const STOP_MODES: readonly StopMode[] = ['fixed', 'breakeven', 'moving_target'];
export const FIXED = 0;

/** A record's entry in the trailing stack: live while its trade is open and its trailing stop unchanged. */
export class TrailRef implements TrailEntry {
  group: TrailGroup | null = null;
  constructor(
    readonly rate: number,
    readonly factor: number,
    private readonly records: ManagedRecords,
    readonly b: number,
    private readonly gen: number,
  ) {}
  live(): boolean {
    const f = this.records.f;
    return f[this.b + CLOSED] === 0 && f[this.b + TRAIL_GEN] === this.gen;
  }
}

/** The records, and what each needs beside its numbers: its terms (cold: updates, state, terms()) and its trailing entry. */
export class ManagedRecords {
  f = new Float64Array(4 * STRIDE);
  pairs = new Float64Array(16);
  /** By record index (offset / STRIDE). `stopLoss` there is stale once the stop moved: STOP holds it. */
  readonly terms: Array<ManagedTerms | undefined> = [];
  readonly trail: Array<TrailRef | null> = [];
  private readonly free: number[] = [];
  private end = 0;
  private pairsEnd = 0;
  /** Doubles of `pairs` that no open trade uses (closed trades, regions outgrown by an update). */
  private pairsFree = 0;

  /** A record for `terms` (not filled in beyond the header); returns its offset. */
  open(terms: ManagedTerms, sign: 1 | -1, filled: number, legQty: readonly number[]): number {
    if (terms.targets.length > MAX_TARGETS) throw new RangeError(`${terms.targets.length} targets: at most ${MAX_TARGETS}`);
    if (this.pairsFree > 64 && this.pairsFree > this.pairsEnd - this.pairsFree) this.compact();
    const b = this.free.pop() ?? this.grow();
    const f = this.f;
    f[b + CLOSED] = 0;
    f[b + FILLED] = filled;
    f[b + TARGET_GEN] = (f[b + TARGET_GEN] as number) + 1;
    f[b + STOP_GEN] = (f[b + STOP_GEN] as number) + 1;
    f[b + TRAIL_GEN] = (f[b + TRAIL_GEN] as number) + 1;
    f[b + STOP] = terms.stopLoss;
    f[b + ENTRY] = terms.entryPrice;
    f[b + ARMED_BEST] = NaN;
    f[b + FACTOR] = factorOf(sign, terms.trailing);
    f[b + MODE] = STOP_MODES.indexOf(terms.slMode);
    f[b + ID] = terms.id;
    f[b + CAP] = 0;
    this.setTargets(b, sign, terms.targets, legQty);
    this.terms[b / STRIDE] = terms;
    this.trail[b / STRIDE] = null;
    return b;
  }

  setTargets(b: number, sign: 1 | -1, targets: readonly number[], legQty: readonly number[]): void {
    const n = targets.length;
    if (n > MAX_TARGETS) throw new RangeError(`${n} targets: at most ${MAX_TARGETS}`);
    const f = this.f;
    if (n > (f[b + CAP] as number)) {
      this.pairsFree += 2 * (f[b + CAP] as number);
      f[b + AT] = this.takePairs(2 * n);
      f[b + CAP] = n;
    }
    f[b + COUNT] = n;
    const p = this.pairs;
    const at = f[b + AT] as number;
    for (let k = 0; k < n; k++) {
      p[at + 2 * k] = sign * (targets[k] as number);
      p[at + 2 * k + 1] = legQty[k] as number;
    }
  }

  /** Frees a closed record for reuse (no record is opened during a tick, so a tick's lists still see it closed). */
  release(b: number): void {
    this.pairsFree += 2 * (this.f[b + CAP] as number);
    this.f[b + CAP] = 0;
    this.terms[b / STRIDE] = undefined;
    this.trail[b / STRIDE] = null;
    this.free.push(b);
  }

  /** What is left to fill: the quantities of the unfilled legs, summed as money. */
  remaining(b: number): number {
    const f = this.f;
    const at = (f[b + AT] as number) + 1;
    return sumMoneyAt(this.pairs, at + 2 * (f[b + FILLED] as number), at + 2 * (f[b + COUNT] as number), 2);
  }

  /**
   * Replaces the unfilled targets (SPEC §9 updates): filled legs keep their quantities and `shares`
   * (default equal) split what is left; `terms` gets the targets and per-target shares of the original quantity.
   */
  replaceTargets(b: number, sign: 1 | -1, terms: ManagedTerms, targets: readonly number[], shares: readonly number[] | undefined): void {
    const filled = this.f[b + FILLED] as number;
    const legQty = this.legQty(b);
    const split = splitQuantity(this.remaining(b), shares ?? targets.map(() => 1 / targets.length));
    terms.targets = [...terms.targets.slice(0, filled), ...targets];
    const legs = [...legQty.slice(0, filled), ...split];
    terms.shares = legs.map((q) => q / terms.quantity);
    this.setTargets(b, sign, terms.targets, legs);
  }

  private legQty(b: number): number[] {
    const f = this.f;
    const legs: number[] = [];
    const at = f[b + AT] as number;
    for (let k = 0; k < (f[b + COUNT] as number); k++) legs.push(this.pairs[at + 2 * k + 1] as number);
    return legs;
  }

  private grow(): number {
    if (this.end === this.f.length) {
      const f = new Float64Array(grown(this.f.length / STRIDE) * STRIDE);
      f.set(this.f);
      this.f = f;
    }
    const b = this.end;
    this.end += STRIDE;
    return b;
  }

  private takePairs(size: number): number {
    if (this.pairsEnd + size > this.pairs.length) {
      const p = new Float64Array(grown(this.pairsEnd + size));
      p.set(this.pairs.subarray(0, this.pairsEnd));
      this.pairs = p;
    }
    const at = this.pairsEnd;
    this.pairsEnd += size;
    return at;
  }

  /** Moves the open trades' pairs together (amortised against the freed pairs that triggered it). */
  private compact(): void {
    const f = this.f;
    const old = this.pairs;
    const p = new Float64Array(grown(this.pairsEnd - this.pairsFree));
    let end = 0;
    for (let b = 0; b < this.end; b += STRIDE) {
      const size = 2 * (f[b + CAP] as number);
      if (size === 0) continue;
      const at = f[b + AT] as number;
      p.set(old.subarray(at, at + size), end);
      f[b + AT] = end;
      end += size;
    }
    this.pairs = p;
    this.pairsEnd = end;
    this.pairsFree = 0;
  }
}

export function factorOf(sign: 1 | -1, trailing: TrailingTerms | null | undefined): number {
  const rate = trailing?.callbackRate ?? 0;
  return sign > 0 ? 1 - rate : 1 + rate;
}
