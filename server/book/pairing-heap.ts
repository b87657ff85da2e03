// Pairing heap of trailing-stop entries by callback rate (smallest first): meld in O(1), pop-min
// in O(log n) amortised. The trailing stack (trailing-stack.ts) melds whole groups when a new best
// price overtakes them, which a binary heap cannot do cheaply.

export interface PairingNode<T> {
  key: number;
  item: T;
  child: PairingNode<T> | null;
  sibling: PairingNode<T> | null;
}

export function node<T>(key: number, item: T): PairingNode<T> {
  return { key, item, child: null, sibling: null };
}

export function meld<T>(a: PairingNode<T> | null, b: PairingNode<T> | null): PairingNode<T> | null {
  if (a === null) return b;
  if (b === null) return a;
  if (b.key < a.key) [a, b] = [b, a];
  b.sibling = a.child;
  a.child = b;
  return a;
}

/** The heap without its root (two-pass pairing, iterative). */
export function popMin<T>(root: PairingNode<T>): PairingNode<T> | null {
  const pairs: PairingNode<T>[] = [];
  let c = root.child;
  while (c !== null) {
    const a = c;
    const b = c.sibling;
    c = b === null ? null : b.sibling;
    a.sibling = null;
    if (b !== null) b.sibling = null;
    pairs.push(meld(a, b) as PairingNode<T>);
  }
  let heap: PairingNode<T> | null = null;
  for (let i = pairs.length - 1; i >= 0; i--) heap = meld(pairs[i] as PairingNode<T>, heap);
  root.child = null;
  return heap;
}

/** Every item of the heap (for compaction), in no order. */
export function items<T>(root: PairingNode<T> | null, out: T[]): void {
  const stack: PairingNode<T>[] = root === null ? [] : [root];
  while (stack.length > 0) {
    const n = stack.pop() as PairingNode<T>;
    out.push(n.item);
    if (n.child !== null) stack.push(n.child);
    if (n.sibling !== null) stack.push(n.sibling);
  }
}
