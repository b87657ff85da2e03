// Binary min-heap of (key, item) pairs: the level queues of managed trades (managed-side.ts) and
// the trailing groups (trailing-stack.ts). Items are objects: managed trades are the few, and an
// entry is pushed only when a level is set (open, fill, update), never per tick.

export class MinQueue<T> {
  private keys: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Smallest key, or +Infinity when empty (so `top() <= x` is false without a size check). */
  top(): number {
    return this.keys.length === 0 ? Infinity : (this.keys[0] as number);
  }

  topItem(): T {
    return this.items[0] as T;
  }

  push(key: number, item: T): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      items[i] = items[parent] as T;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  pop(): T {
    const keys = this.keys;
    const items = this.items;
    const top = items[0] as T;
    const lastKey = keys.pop() as number;
    const lastItem = items.pop() as T;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (keys[c + 1] as number) < (keys[c] as number)) c++;
        if ((keys[c] as number) >= lastKey) break;
        keys[i] = keys[c] as number;
        items[i] = items[c] as T;
        i = c;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
    }
    return top;
  }

  /** Keeps only the items `keep` accepts, in O(n) (Floyd's heapify). */
  filter(keep: (item: T) => boolean): void {
    const keys: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (keep(this.items[i] as T)) {
        keys.push(this.keys[i] as number);
        items.push(this.items[i] as T);
      }
    }
    const old = { keys, items };
    this.keys = [];
    this.items = [];
    // Re-pushing sorted input is O(n) per element at worst; n is the live count, done rarely (amortised).
    for (let i = 0; i < old.keys.length; i++) this.push(old.keys[i] as number, old.items[i] as T);
  }
}
