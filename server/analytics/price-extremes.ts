// Per-symbol price extremes in one-second buckets over a bounded ring, with a segment tree over
// the ring so the max/min of any time range costs O(log n) at close time. A tick costs O(1) (the
// current bucket); a finished bucket is written into the tree once (O(log n)), whatever the number
// of open trades.

const EMPTY_MAX = -Infinity;
const EMPTY_MIN = Infinity;

export interface Extremes {
  max: number;
  min: number;
  /** False when part of the range had already left the ring (only the newer part was seen). */
  complete: boolean;
}

/** A new ring holds this many seconds and doubles as its history grows, up to its capacity. */
const INITIAL_SECONDS = 16;

class SymbolRing {
  /** Seconds the ring holds now (grows to `maxCapacity`); slot of second s is s % capacity. */
  private capacity: number;
  private size = 1;
  private maxTree = new Float64Array(2);
  private minTree = new Float64Array(2);
  /** Second of the bucket being filled, and its extremes (not yet in the tree). */
  private curSec = -1;
  private curMax = EMPTY_MAX;
  private curMin = EMPTY_MIN;
  /** Oldest second still represented in the ring. */
  private firstSec = -1;

  constructor(private readonly maxCapacity: number) {
    this.capacity = Math.min(INITIAL_SECONDS, maxCapacity);
    this.allocate();
  }

  /** Bytes held by the two trees. */
  get bytes(): number {
    return this.maxTree.byteLength + this.minTree.byteLength;
  }

  record(sec: number, price: number): void {
    if (sec < this.curSec) return; // older than the bucket being filled: ticks arrive in order per symbol
    if (sec > this.curSec) this.advance(sec);
    if (price > this.curMax) this.curMax = price;
    if (price < this.curMin) this.curMin = price;
  }

  query(fromSec: number, toSec: number): Extremes {
    let max = EMPTY_MAX;
    let min = EMPTY_MIN;
    const complete = this.firstSec >= 0 && fromSec >= this.firstSec && fromSec > this.curSec - this.capacity;
    if (toSec >= this.curSec && fromSec <= this.curSec) {
      max = this.curMax;
      min = this.curMin;
    }
    // Tree part: seconds [from, min(to, curSec − 1)] still inside the ring.
    const lo = Math.max(fromSec, this.curSec - this.capacity + 1, this.firstSec);
    const hi = Math.min(toSec, this.curSec - 1);
    if (lo <= hi) {
      const a = lo % this.capacity;
      const b = hi % this.capacity;
      const parts: [number, number][] =
        a <= b
          ? [[a, b]]
          : [
              [a, this.capacity - 1],
              [0, b],
            ];
      for (const [l, r] of parts) {
        const [mx, mn] = this.treeRange(l, r);
        if (mx > max) max = mx;
        if (mn < min) min = mn;
      }
    }
    return { max, min, complete };
  }

  private advance(sec: number): void {
    if (this.curSec >= 0) this.write(this.curSec, this.curMax, this.curMin);
    else this.firstSec = sec;
    const span = sec - this.firstSec + 1;
    if (span > this.capacity && this.capacity < this.maxCapacity) this.grow(Math.min(this.maxCapacity, Math.max(2 * this.capacity, span)));
    // Seconds without ticks in between: clear their (reused) slots.
    const from = this.curSec < 0 ? sec : this.curSec + 1;
    if (sec - from >= this.capacity) {
      this.maxTree.fill(EMPTY_MAX);
      this.minTree.fill(EMPTY_MIN);
      if (this.curSec >= 0) this.firstSec = sec - this.capacity + 1;
    } else {
      for (let s = from; s < sec; s++) this.write(s, EMPTY_MAX, EMPTY_MIN);
    }
    this.write(sec, EMPTY_MAX, EMPTY_MIN);
    this.curSec = sec;
    this.curMax = EMPTY_MAX;
    this.curMin = EMPTY_MIN;
  }

  private allocate(): void {
    this.size = 1;
    while (this.size < this.capacity) this.size *= 2;
    this.maxTree = new Float64Array(2 * this.size).fill(EMPTY_MAX);
    this.minTree = new Float64Array(2 * this.size).fill(EMPTY_MIN);
  }

  /** Re-lays the kept seconds into a bigger ring: O(size), amortised O(1) per second recorded. */
  private grow(capacity: number): void {
    const { maxTree, minTree, size, capacity: old } = this;
    const from = Math.max(this.firstSec, this.curSec - old + 1);
    this.capacity = capacity;
    this.allocate();
    for (let s = from; s <= this.curSec; s++) {
      const leaf = this.size + (s % capacity);
      this.maxTree[leaf] = maxTree[size + (s % old)]!;
      this.minTree[leaf] = minTree[size + (s % old)]!;
    }
    for (let i = this.size - 1; i >= 1; i--) {
      this.maxTree[i] = Math.max(this.maxTree[2 * i]!, this.maxTree[2 * i + 1]!);
      this.minTree[i] = Math.min(this.minTree[2 * i]!, this.minTree[2 * i + 1]!);
    }
  }

  private write(sec: number, max: number, min: number): void {
    let i = (sec % this.capacity) + this.size;
    this.maxTree[i] = max;
    this.minTree[i] = min;
    for (i >>= 1; i >= 1; i >>= 1) {
      this.maxTree[i] = Math.max(this.maxTree[2 * i]!, this.maxTree[2 * i + 1]!);
      this.minTree[i] = Math.min(this.minTree[2 * i]!, this.minTree[2 * i + 1]!);
    }
  }

  private treeRange(l: number, r: number): [number, number] {
    let max = EMPTY_MAX;
    let min = EMPTY_MIN;
    for (let lo = l + this.size, hi = r + this.size + 1; lo < hi; lo >>= 1, hi >>= 1) {
      if (lo & 1) {
        max = Math.max(max, this.maxTree[lo]!);
        min = Math.min(min, this.minTree[lo]!);
        lo++;
      }
      if (hi & 1) {
        hi--;
        max = Math.max(max, this.maxTree[hi]!);
        min = Math.min(min, this.minTree[hi]!);
      }
    }
    return [max, min];
  }
}

export class PriceExtremes {
  private readonly rings = new Map<string, SymbolRing>();

  /**
   * `capacitySeconds`: how far back a range can reach (default 6 h). A ring starts at 16 s and
   * doubles as its history grows: ≈1 MB per symbol only once a symbol has 6 h of history.
   */
  constructor(private readonly capacitySeconds = 6 * 3600) {}

  /** Drops the rings of symbols `keep` rejects (no open trade can ask for their range any more). */
  prune(keep: (symbol: string) => boolean): void {
    for (const symbol of this.rings.keys()) if (!keep(symbol)) this.rings.delete(symbol);
  }

  get symbols(): number {
    return this.rings.size;
  }

  /** Bytes held by every ring's trees. */
  get bytes(): number {
    let n = 0;
    for (const r of this.rings.values()) n += r.bytes;
    return n;
  }

  record(symbol: string, price: number, tsMs: number): void {
    let ring = this.rings.get(symbol);
    if (!ring) this.rings.set(symbol, (ring = new SymbolRing(this.capacitySeconds)));
    ring.record(Math.floor(tsMs / 1000), price);
  }

  /** Max and min price of `symbol` over [fromMs, toMs] at one-second resolution; null if never seen. */
  range(symbol: string, fromMs: number, toMs: number): Extremes | null {
    const ring = this.rings.get(symbol);
    if (!ring) return null;
    return ring.query(Math.floor(fromMs / 1000), Math.floor(toMs / 1000));
  }
}
