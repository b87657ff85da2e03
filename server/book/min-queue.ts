// Binary min-heap of (key, item) pairs: the trailing groups (trailing-stack.ts; the level queues of
// managed trades are level-queue.ts, the same heap over numbers). Items are objects, and an entry is
// pushed only when a level is set (open, fill, update), never per tick.

export class MinQueue<T> {
  private keys: number[] = [];
  private items: T[] = [];
  /** A number per entry (a generation, say), so callers need not allocate an object per push. */
  private tags: number[] = [];
  /** The tag of the entry `pop` returned last. */
  poppedTag = 0;

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

  push(key: number, item: T, tag = 0): void {
    const keys = this.keys;
    const items = this.items;
    const tags = this.tags;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    tags.push(tag);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      items[i] = items[parent] as T;
      tags[i] = tags[parent] as number;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
    tags[i] = tag;
  }

  pop(): T {
    const keys = this.keys;
    const items = this.items;
    const tags = this.tags;
    const top = items[0] as T;
    this.poppedTag = tags[0] as number;
    const lastKey = keys.pop() as number;
    const lastItem = items.pop() as T;
    const lastTag = tags.pop() as number;
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
        tags[i] = tags[c] as number;
        i = c;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
      tags[i] = lastTag;
    }
    return top;
  }

  /** Keeps only the entries `keep` accepts (rebuilt by re-pushing: O(n log n), run rarely, amortised by the caller). */
  filter(keep: (item: T, tag: number) => boolean): void {
    const { keys, items, tags } = this;
    this.keys = [];
    this.items = [];
    this.tags = [];
    for (let i = 0; i < keys.length; i++) {
      if (keep(items[i] as T, tags[i] as number)) this.push(keys[i] as number, items[i] as T, tags[i] as number);
    }
  }
}
