// During a rotation two sockets carry the same aggregate trades; each (symbol, aggregate-trade id)
// is forwarded once. A small ring of recent ids per symbol: exact, O(1) per tick, bounded memory.

export class AggTradeDedup {
  private readonly bySymbol = new Map<string, { ids: Set<number>; ring: number[]; next: number }>();

  constructor(private readonly keep = 512) {}

  /** True the first time this id is seen for the symbol (within the last `keep` ids). */
  first(symbol: string, id: number): boolean {
    let s = this.bySymbol.get(symbol);
    if (!s) this.bySymbol.set(symbol, (s = { ids: new Set(), ring: [], next: 0 }));
    if (s.ids.has(id)) return false;
    if (s.ring.length < this.keep) s.ring.push(id);
    else {
      s.ids.delete(s.ring[s.next]!);
      s.ring[s.next] = id;
      s.next = (s.next + 1) % this.keep;
    }
    s.ids.add(id);
    return true;
  }

  forget(symbol: string): void {
    this.bySymbol.delete(symbol);
  }
}
