// Binary min-heap of (key, slot) pairs over growable typed arrays: 12 bytes per entry, no objects
// (two entries a trade: benchmark P7's bytes per open trade).
// A max-heap is the same heap fed negated keys (see trigger-index.ts).

export class LevelHeap {
  keys: Float64Array;
  slots: Int32Array;
  size = 0;

  constructor(capacity = 8) {
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  /** Smallest key, or +Infinity when empty (so `top() <= x` is false without a size check). */
  top(): number {
    return this.size === 0 ? Infinity : (this.keys[0] as number);
  }

  topSlot(): number {
    return this.slots[0] as number;
  }

  push(key: number, slot: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const slots = this.slots;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    keys[i] = key;
    slots[i] = slot;
  }

  /** Removes the top entry. */
  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    this.siftDown(0, this.keys[n] as number, this.slots[n] as number, n);
  }

  /** Keeps only entries whose slot passes `keep`, calling `drop` for the others; then re-heapifies in O(n). */
  compact(keep: (slot: number) => boolean, drop: (slot: number) => void): void {
    const keys = this.keys;
    const slots = this.slots;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      const slot = slots[i] as number;
      if (keep(slot)) {
        keys[n] = keys[i] as number;
        slots[n++] = slot;
      } else {
        drop(slot);
      }
    }
    this.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, keys[i] as number, slots[i] as number, n);
    if (n * 4 < keys.length && keys.length > 256) this.resize(Math.max(8, n * 2));
  }

  private siftDown(i: number, key: number, slot: number, n: number): void {
    const keys = this.keys;
    const slots = this.slots;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let ck = keys[child] as number;
      const right = child + 1;
      if (right < n) {
        const rk = keys[right] as number;
        if (rk < ck) {
          child = right;
          ck = rk;
        }
      }
      if (key <= ck) break;
      keys[i] = ck;
      slots[i] = slots[child] as number;
      i = child;
    }
    keys[i] = key;
    slots[i] = slot;
  }

  private grow(): void {
    this.resize(Math.max(8, this.keys.length * 2));
  }

  private resize(capacity: number): void {
    const keys = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    keys.set(this.keys.subarray(0, this.size));
    slots.set(this.slots.subarray(0, this.size));
    this.keys = keys;
    this.slots = slots;
  }
}
