// Struct-of-arrays store of open trades: one slot per trade in typed arrays, reused via a free list.
// A slot is only reused once no heap entry points at it (refs), so heap entries need no generation.

export const SLOT_FREE = 0;
export const SLOT_OPEN = 1;
/** Closed, but a dead heap leg may still point here: kept until the last leg is purged. */
export const SLOT_CLOSED = 2;

export class TradeStore {
  capacity: number;
  /** Slots ever handed out; slots ≥ highWater are unused. */
  highWater = 0;
  id!: Float64Array;
  /** NaN encodes null. */
  userId!: Float64Array;
  signalId!: Float64Array;
  entry!: Float64Array;
  qty!: Float64Array;
  size!: Float64Array;
  tp!: Float64Array;
  sl!: Float64Array;
  openedAt!: Float64Array;
  symbol!: Int32Array;
  /** +1 LONG, -1 SHORT. */
  dir!: Int8Array;
  state!: Uint8Array;
  /** Heap entries pointing at the slot (0..2). */
  refs!: Uint8Array;
  gap!: Uint8Array;
  private free!: Int32Array;
  private freeTop = 0;

  constructor(capacity = 1024) {
    this.capacity = 0;
    this.resize(Math.max(1, capacity));
  }

  alloc(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop] as number;
    if (this.highWater === this.capacity) this.resize(this.capacity * 2);
    return this.highWater++;
  }

  /** Drops one heap reference; frees the slot when it was the last one of a closed trade. */
  release(slot: number): void {
    const refs = (this.refs[slot] as number) - 1;
    this.refs[slot] = refs;
    if (refs === 0 && this.state[slot] === SLOT_CLOSED) this.freeSlot(slot);
  }

  markClosed(slot: number): void {
    this.state[slot] = SLOT_CLOSED;
    if (this.refs[slot] === 0) this.freeSlot(slot);
  }

  private freeSlot(slot: number): void {
    this.state[slot] = SLOT_FREE;
    this.free[this.freeTop++] = slot;
  }

  private resize(capacity: number): void {
    const f64 = (old: Float64Array | undefined): Float64Array => copy(new Float64Array(capacity), old);
    this.id = f64(this.id);
    this.userId = f64(this.userId);
    this.signalId = f64(this.signalId);
    this.entry = f64(this.entry);
    this.qty = f64(this.qty);
    this.size = f64(this.size);
    this.tp = f64(this.tp);
    this.sl = f64(this.sl);
    this.openedAt = f64(this.openedAt);
    this.symbol = copy(new Int32Array(capacity), this.symbol);
    this.dir = copy(new Int8Array(capacity), this.dir);
    this.state = copy(new Uint8Array(capacity), this.state);
    this.refs = copy(new Uint8Array(capacity), this.refs);
    this.gap = copy(new Uint8Array(capacity), this.gap);
    this.free = copy(new Int32Array(capacity), this.free);
    this.capacity = capacity;
  }
}

function copy<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(target: T, source: T | undefined): T {
  if (source !== undefined) target.set(source as never);
  return target;
}
