// The level queues of managed trades (managed-side.ts): MinQueue's binary min-heap, same order of
// pops, over (key, record, tag) triples interleaved in one Float64Array. Why (P2.legs): a side is
// touched once in many ticks, so its heap is cold; a sift step then reads one place, not three arrays.

const KEY = 0;
const ITEM = 1;
const TAG = 2;
const W = 3;

export class LevelQueue {
  private h = new Float64Array(16 * W);
  private n = 0;
  /** The tag of the entry `pop` returned last. */
  poppedTag = 0;

  get size(): number {
    return this.n;
  }

  /** Smallest key, or +Infinity when empty (so `top() <= x` is false without a size check). */
  top(): number {
    return this.n === 0 ? Infinity : (this.h[KEY] as number);
  }

  push(key: number, item: number, tag: number): void {
    if ((this.n + 1) * W > this.h.length) {
      // ×1.5, not ×2: less slack per open trade (P7.managed).
      const grown = new Float64Array(Math.ceil((this.h.length / W) * 1.5) * W);
      grown.set(this.h);
      this.h = grown;
    }
    const h = this.h;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = parent * W;
      if ((h[p + KEY] as number) <= key) break;
      this.move(p, i * W);
      i = parent;
    }
    const at = i * W;
    h[at + KEY] = key;
    h[at + ITEM] = item;
    h[at + TAG] = tag;
  }

  /** Removes the entry with the smallest key and returns its item (its tag in `poppedTag`); the queue must not be empty. */
  pop(): number {
    const h = this.h;
    const top = h[ITEM] as number;
    this.poppedTag = h[TAG] as number;
    const n = --this.n;
    if (n > 0) {
      const last = n * W;
      const lastKey = h[last + KEY] as number;
      const lastItem = h[last + ITEM] as number;
      const lastTag = h[last + TAG] as number;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (h[(c + 1) * W + KEY] as number) < (h[c * W + KEY] as number)) c++;
        if ((h[c * W + KEY] as number) >= lastKey) break;
        this.move(c * W, i * W);
        i = c;
      }
      const at = i * W;
      h[at + KEY] = lastKey;
      h[at + ITEM] = lastItem;
      h[at + TAG] = lastTag;
    }
    return top;
  }

  /** Keeps only the entries `keep` accepts, re-pushed in index order as MinQueue.filter does (run rarely, amortised by the caller). */
  filter(keep: (item: number, tag: number) => boolean): void {
    const old = this.h.slice(0, this.n * W);
    this.n = 0;
    for (let at = 0; at < old.length; at += W) {
      if (keep(old[at + ITEM] as number, old[at + TAG] as number)) this.push(old[at + KEY] as number, old[at + ITEM] as number, old[at + TAG] as number);
    }
  }

  private move(from: number, to: number): void {
    const h = this.h;
    h[to + KEY] = h[from + KEY] as number;
    h[to + ITEM] = h[from + ITEM] as number;
    h[to + TAG] = h[from + TAG] as number;
  }
}
