// Trailing stops of one side of one symbol, in "x-space" (x = price for LONG, −price for SHORT, so
// both sides trail a running maximum). A trade's stop is M·f, where M is the best x since it was
// activated and f = 1 − rate (LONG) or 1 + rate (SHORT); it fires when x ≤ M·f.
//
// Trades activated at different times have different M, but all see the same ticks, so M depends
// only on when a trade was activated. The stack groups trades by M; groups are ordered oldest to
// newest with M strictly decreasing. A tick x that beats the newest groups' M melds them into one
// group with M = x (each group is melded away once: amortised O(1) per group, pairing heaps meld
// in O(1)). Within a group the smallest rate stops first; a queue over groups by their first stop
// finds the next stop in O(log g). So a tick costs O(1) when nothing moves, O(log n) amortised
// when it makes a new best, plus O(log n) per stop fired — never a pass over trailing trades.
import { MinQueue } from './min-queue.ts';
import { items, meld, node, popMin, type PairingNode } from './pairing-heap.ts';

/** A trade's entry in the stack; `live()` is false once the trade closed or its trailing stop was replaced. */
export interface TrailEntry {
  readonly rate: number;
  /** 1 − rate (LONG) or 1 + rate (SHORT). */
  readonly factor: number;
  live(): boolean;
  group: TrailGroup | null;
}

export interface TrailGroup {
  best: number;
  heap: PairingNode<TrailEntry> | null;
  /** Set when melded into a newer group; follow it to the live group. */
  parent: TrailGroup | null;
  version: number;
}

interface QueuedGroup {
  group: TrailGroup;
  version: number;
}

export class TrailingStack {
  private readonly stack: TrailGroup[] = [];
  private readonly stops = new MinQueue<QueuedGroup>();
  private entries = 0;
  private dead = 0;

  get size(): number {
    return this.entries - this.dead;
  }

  /** Adds an entry whose best x so far is `best`; `best` must not exceed the last tick's x (the caller arms it otherwise). */
  add(e: TrailEntry, best: number): void {
    const top = this.stack.at(-1);
    this.entries++;
    if (top !== undefined && top.best === best) {
      const before = top.heap;
      top.heap = meld(top.heap, node(e.rate, e));
      e.group = top;
      if (top.heap !== before) this.queue(top);
      return;
    }
    if (top !== undefined && top.best < best) throw new RangeError(`trailing best ${best} above the stack's ${top.best}`);
    const g: TrailGroup = { best, heap: node(e.rate, e), parent: null, version: 0 };
    e.group = g;
    this.stack.push(g);
    this.queue(g);
  }

  /** The newest group's best x, or undefined when empty. */
  topBest(): number | undefined {
    return this.stack.at(-1)?.best;
  }

  /** Key of the next trailing stop (−x of its level), or +Infinity. */
  stopTop(): number {
    return this.stops.top();
  }

  /** The best x of an entry's group. */
  bestOf(e: TrailEntry): number {
    return this.root(e).best;
  }

  /** Counts an entry that died (its trade closed or its trailing stop was replaced) for compaction. */
  retire(): void {
    this.dead++;
    if (this.dead > 32 && this.dead > this.entries - this.dead) this.compact();
  }

  /** Raises every group whose best is below x to x (one melded group). */
  raise(x: number): void {
    const stack = this.stack;
    let top = stack.at(-1);
    if (top === undefined || !(top.best < x)) return;
    let heap: PairingNode<TrailEntry> | null = null;
    const g: TrailGroup = { best: x, heap: null, parent: null, version: 0 };
    while (top !== undefined && top.best < x) {
      stack.pop();
      heap = meld(heap, top.heap);
      top.heap = null;
      top.parent = g;
      top.version++;
      top = stack.at(-1);
    }
    g.heap = heap;
    stack.push(g);
    this.queue(g);
  }

  /** Pops every live entry whose stop x crosses, appending it to `out`. */
  fire(x: number, out: TrailEntry[]): void {
    const stops = this.stops;
    while (stops.top() <= -x) {
      const q = stops.pop();
      const g = q.group;
      if (q.version !== g.version || g.parent !== null) continue;
      while (g.heap !== null && x <= g.best * g.heap.item.factor) {
        const e = g.heap.item;
        g.heap = popMin(g.heap);
        if (e.live()) {
          out.push(e);
          this.entries--;
        } else {
          this.entries--;
          this.dead--;
        }
      }
      g.version++;
      if (g.heap !== null) this.queue(g);
    }
  }

  private queue(g: TrailGroup): void {
    g.version++;
    if (g.heap !== null) this.stops.push(-(g.best * g.heap.item.factor), { group: g, version: g.version });
  }

  private root(e: TrailEntry): TrailGroup {
    let g = e.group as TrailGroup;
    while (g.parent !== null) g = g.parent;
    let h = e.group as TrailGroup;
    while (h.parent !== null) {
      const next: TrailGroup = h.parent;
      h.parent = g;
      h = next;
    }
    e.group = g;
    return g;
  }

  /** Drops dead entries: rebuilds each group's heap and the stop queue (amortised against the deaths). */
  private compact(): void {
    for (const g of this.stack) {
      const live: TrailEntry[] = [];
      const all: TrailEntry[] = [];
      items(g.heap, all);
      for (const e of all) if (e.live()) live.push(e);
      let heap: PairingNode<TrailEntry> | null = null;
      for (const e of live) heap = meld(heap, node(e.rate, e));
      g.heap = heap;
    }
    this.stops.filter(() => false);
    const kept = this.stack.filter((g) => g.heap !== null);
    this.stack.length = 0;
    this.stack.push(...kept);
    for (const g of kept) this.queue(g);
    this.entries -= this.dead;
    this.dead = 0;
  }
}
