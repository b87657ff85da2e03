// Per-symbol trigger index: levels crossed upward (LONG TP, SHORT SL) in a min-heap, levels crossed
// downward (LONG SL, SHORT TP) in a max-heap (negated keys). Dead legs are dropped lazily.
import { LevelHeap } from './level-heap.ts';
import { M, M_STRIDE, SLOT_CLOSED, SLOT_OPEN, type TradeStore } from './trade-store.ts';

/** Dead entries tolerated per heap beyond the live count before a compaction. */
const DEAD_SLACK = 32;

export class TriggerIndex {
  /** Triggers when price ≥ level: key = level. */
  readonly up = new LevelHeap();
  /** Triggers when price ≤ level: key = −level. */
  readonly down = new LevelHeap();

  constructor(private readonly store: TradeStore) {}

  add(slot: number, dir: number, takeProfit: number, stopLoss: number): void {
    if (dir > 0) {
      this.up.push(takeProfit, slot);
      this.down.push(-stopLoss, slot);
    } else {
      this.up.push(stopLoss, slot);
      this.down.push(-takeProfit, slot);
    }
    this.store.flags[slot * M_STRIDE + M.refs] = 2;
  }

  /** Nothing-triggers check: two heap peeks. */
  triggers(price: number): boolean {
    return this.up.top() <= price || this.down.top() <= -price;
  }

  /**
   * Pops every leg the price crosses. Live trades are marked closed at once (so their other leg,
   * crossed in the same tick, is seen as dead) and their slots appended to `out`.
   */
  collect(price: number, out: number[]): void {
    this.drain(this.up, price, out);
    this.drain(this.down, -price, out);
  }

  /** Live slots of this symbol (each open trade has exactly one leg in each heap). */
  forEachLive(fn: (slot: number) => void): void {
    const { slots, size } = this.up;
    const store = this.store;
    for (let i = 0; i < size; i++) {
      const slot = slots[i] as number;
      if (store.state(slot) === SLOT_OPEN) fn(slot);
    }
  }

  /** Rebuilds a heap whose dead entries outnumber its live ones, so dead legs cost amortised O(1) (P2's sweep). */
  compactIfNeeded(live: number): void {
    if (this.up.size > 2 * live + DEAD_SLACK) this.compact(this.up);
    if (this.down.size > 2 * live + DEAD_SLACK) this.compact(this.down);
  }

  private compact(heap: LevelHeap): void {
    const store = this.store;
    heap.compact(
      (slot) => store.state(slot) === SLOT_OPEN,
      (slot) => store.release(slot),
    );
  }

  private drain(heap: LevelHeap, key: number, out: number[]): void {
    const store = this.store;
    while (heap.top() <= key) {
      const slot = heap.topSlot();
      heap.pop();
      if (store.state(slot) === SLOT_OPEN) {
        store.setState(slot, SLOT_CLOSED);
        out.push(slot);
      }
      store.release(slot);
    }
  }
}
