// Open trades as fixed-stride records in typed arrays (80 B of numbers + 4 B of flags per slot: P7),
// reused via a free list. Record layout keeps a close to ~3 cache lines instead of one per field (P2).
// A slot is only reused once no heap entry points at it (refs), so heap entries need no generation.
import { plainBuffer, sharedPages, type Alloc } from './reserve-memory.ts';
import { nullable } from './trade-terms.ts';
import type { BookTrade } from './types.ts';

export const SLOT_FREE = 0;
export const SLOT_OPEN = 1;
/** Closed, but a dead heap leg may still point here: kept until the last leg is purged. */
export const SLOT_CLOSED = 2;

/** Offsets in a numeric record. Nullable ids are NaN when null. */
export const F = {
  id: 0,
  userId: 1,
  signalId: 2,
  entry: 3,
  qty: 4,
  size: 5,
  tp: 6,
  sl: 7,
  openedAt: 8,
  symbol: 9,
} as const;
export const F_STRIDE = 10;

/** Offsets in a flag record. */
export const M = { dir: 0, state: 1, refs: 2, gap: 3 } as const;
export const M_STRIDE = 4;

export class TradeStore {
  capacity = 0;
  /** Slots ever handed out; slots ≥ highWater are unused. */
  highWater = 0;
  nums: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** dir (+1 LONG / −1 SHORT), state, refs (heap entries pointing here, 0..2), gap flag. */
  flags: Int8Array<ArrayBufferLike> = new Int8Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;

  constructor(capacity = 1024) {
    this.resize(Math.max(1, capacity));
  }

  /**
   * Room for `n` slots in one step (bulk loads): one copy instead of ~10 doublings (P6). Returns the
   * shared memory it took (reserve-memory.ts), empty when the store was already large enough.
   */
  reserve(n: number): SharedArrayBuffer[] {
    const fresh: SharedArrayBuffer[] = [];
    if (n > this.capacity) this.resize(n, sharedPages(fresh));
    return fresh;
  }

  alloc(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop] as number;
    if (this.highWater === this.capacity) this.resize(this.capacity * 2);
    return this.highWater++;
  }

  /** Writes an open trade into `slot`, its symbol as the ordinal `ord` (symbol-table.ts). */
  write(slot: number, t: BookTrade, ord: number): void {
    const f = slot * F_STRIDE;
    const nums = this.nums;
    nums[f + F.id] = t.id;
    nums[f + F.userId] = t.userId ?? NaN;
    nums[f + F.signalId] = t.signalId ?? NaN;
    nums[f + F.entry] = t.entryPrice;
    nums[f + F.qty] = t.quantity;
    nums[f + F.size] = t.positionSize;
    nums[f + F.tp] = t.takeProfit;
    nums[f + F.sl] = t.stopLoss;
    nums[f + F.openedAt] = t.openedAt;
    nums[f + F.symbol] = ord;
    const m = slot * M_STRIDE;
    this.flags[m + M.dir] = t.direction === 'LONG' ? 1 : -1;
    this.flags[m + M.gap] = 0;
    this.flags[m + M.state] = SLOT_OPEN;
  }

  /** The symbol ordinal of the trade in `slot`. */
  symbolAt(slot: number): number {
    return this.nums[slot * F_STRIDE + F.symbol] as number;
  }

  /** The trade in `slot`, named `symbol` (the name of its `symbolAt` ordinal). */
  read(slot: number, symbol: string): BookTrade {
    const nums = this.nums;
    const f = slot * F_STRIDE;
    return {
      id: nums[f + F.id] as number,
      userId: nullable(nums[f + F.userId] as number),
      signalId: nullable(nums[f + F.signalId] as number),
      symbol,
      direction: this.flags[slot * M_STRIDE + M.dir] === 1 ? 'LONG' : 'SHORT',
      entryPrice: nums[f + F.entry] as number,
      quantity: nums[f + F.qty] as number,
      positionSize: nums[f + F.size] as number,
      takeProfit: nums[f + F.tp] as number,
      stopLoss: nums[f + F.sl] as number,
      openedAt: nums[f + F.openedAt] as number,
    };
  }

  state(slot: number): number {
    return this.flags[slot * M_STRIDE + M.state] as number;
  }

  setState(slot: number, state: number): void {
    this.flags[slot * M_STRIDE + M.state] = state;
  }

  /** Drops one heap reference; frees the slot when it was the last one of a closed trade. */
  release(slot: number): void {
    const at = slot * M_STRIDE;
    const refs = (this.flags[at + M.refs] as number) - 1;
    this.flags[at + M.refs] = refs;
    if (refs === 0 && this.flags[at + M.state] === SLOT_CLOSED) this.freeSlot(slot);
  }

  markClosed(slot: number): void {
    const at = slot * M_STRIDE;
    this.flags[at + M.state] = SLOT_CLOSED;
    if (this.flags[at + M.refs] === 0) this.freeSlot(slot);
  }

  private freeSlot(slot: number): void {
    this.flags[slot * M_STRIDE + M.state] = SLOT_FREE;
    this.free[this.freeTop++] = slot;
  }

  private resize(capacity: number, alloc: Alloc = plainBuffer): void {
    const nums = new Float64Array(alloc(capacity * F_STRIDE * 8), 0, capacity * F_STRIDE);
    nums.set(this.nums);
    const flags = new Int8Array(alloc(capacity * M_STRIDE), 0, capacity * M_STRIDE);
    flags.set(this.flags);
    const free = new Int32Array(capacity);
    free.set(this.free);
    this.nums = nums;
    this.flags = flags;
    this.free = free;
    this.capacity = capacity;
  }
}
