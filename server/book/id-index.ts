// Trade id → store slot: an open-addressing hash table in one Float64Array of [id, slot + 1] pairs
// (linear probing, backward-shift deletion, no tombstones). One cache line per lookup, no boxing: a
// close (benchmark P2) and a hydrated trade (P6) each cost one.
// 0 marks an empty bucket, so a new table is the zeroed array as allocated: no fill pass.

import { plainBuffer, sharedPages, type Alloc } from './reserve-memory.ts';

const EMPTY = 0;

export class IdIndex {
  size = 0;
  /** Pairs [id, slot + 1]; 0 marks an empty bucket. */
  private table: Float64Array;
  private mask: number;

  constructor(capacity = 1024) {
    const buckets = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.table = new Float64Array(buckets * 2);
    this.mask = buckets - 1;
  }

  /** The slot stored for `id`, or −1. */
  get(id: number): number {
    const table = this.table;
    for (let i = this.bucket(id); ; i = (i + 1) & this.mask) {
      const v = table[2 * i + 1] as number;
      if (v === EMPTY || table[2 * i] === id) return v - 1;
    }
  }

  /** Reads the home bucket of each id (close-warmer.ts, P2); returns their sum, for the caller to consume so the loads stay. */
  touch(ids: readonly number[]): number {
    const table = this.table;
    let acc = 0;
    for (let i = 0; i < ids.length; i++) acc += table[2 * this.bucket(ids[i] as number) + 1] as number;
    return acc;
  }

  has(id: number): boolean {
    return this.get(id) >= 0;
  }

  /**
   * Grows the table once for `n` entries: a bulk load would otherwise rehash ~20 times on the way
   * (P6). Returns the shared memory it took (reserve-memory.ts), empty when already large enough.
   */
  reserve(n: number): SharedArrayBuffer[] {
    const fresh: SharedArrayBuffer[] = [];
    const buckets = 2 ** Math.ceil(Math.log2(Math.max(16, n * 2)));
    if (buckets > this.mask + 1) this.rehash(buckets, sharedPages(fresh));
    return fresh;
  }

  /** Inserts or replaces. */
  set(id: number, slot: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    const table = this.table;
    let i = this.bucket(id);
    while (table[2 * i + 1] !== EMPTY && table[2 * i] !== id) i = (i + 1) & this.mask;
    if (table[2 * i + 1] === EMPTY) this.size++;
    table[2 * i] = id;
    table[2 * i + 1] = slot + 1;
  }

  /**
   * Inserts an id the caller knows is absent (start-up hydration, P6: the primary key makes ids
   * unique), without the equality test of `set`. An id already present would be stored twice.
   */
  insertNew(id: number, slot: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    const table = this.table;
    const mask = this.mask;
    let i = this.bucket(id);
    while (table[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    table[2 * i] = id;
    table[2 * i + 1] = slot + 1;
    this.size++;
  }

  delete(id: number): boolean {
    const table = this.table;
    const mask = this.mask;
    let i = this.bucket(id);
    for (;;) {
      if (table[2 * i + 1] === EMPTY) return false;
      if (table[2 * i] === id) break;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later members of the probe run into the hole so lookups never stop early.
    let hole = i;
    for (let j = (i + 1) & mask; table[2 * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const home = this.bucket(table[2 * j] as number);
      // j may move into the hole only if its home bucket is not cyclically within (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        table[2 * hole] = table[2 * j] as number;
        table[2 * hole + 1] = table[2 * j + 1] as number;
        hole = j;
      }
    }
    table[2 * hole + 1] = EMPTY;
    this.size--;
    return true;
  }

  private bucket(id: number): number {
    const lo = id >>> 0;
    const hi = (id / 4294967296) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.mask;
  }

  private rehash(buckets: number, alloc: Alloc = plainBuffer): void {
    const old = this.table;
    this.table = new Float64Array(alloc(buckets * 16), 0, buckets * 2);
    this.mask = buckets - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      const v = old[i + 1] as number;
      if (v !== EMPTY) this.insertNew(old[i] as number, v - 1);
    }
  }
}
