// Open-trade counts per (market, symbol), kept as trades open and close, so the feed's watch list
// costs O(symbols) a second instead of a pass over every open trade.
import type { MarketType } from '../../shared/constants.ts';
import { marketOfKey, priceKey, symbolOfKey } from '../../shared/price-key.ts';

/** A mutable count, so an add is one map lookup (start-up adds one per open trade: a million). */
interface Count {
  n: number;
}

export class WatchedMarkets {
  private counts: Record<MarketType, Map<string, Count>> = { SPOT: new Map(), FUTURES: new Map() };

  add(market: MarketType, symbol: string): void {
    const m = this.counts[market];
    const c = m.get(symbol);
    if (c === undefined) m.set(symbol, { n: 1 });
    else c.n++;
  }

  remove(market: MarketType, symbol: string): void {
    const m = this.counts[market];
    const c = m.get(symbol);
    if (c === undefined) return;
    if (--c.n <= 0) m.delete(symbol);
  }

  /** Whether an open trade holds this price key's market of its symbol (shared/price-key.ts). */
  hasKey(key: string): boolean {
    return this.counts[marketOfKey(key)].has(symbolOfKey(key));
  }

  /** The price keys of every (market, symbol) with open trades. */
  keys(): Set<string> {
    const out = new Set(this.counts.SPOT.keys());
    for (const s of this.counts.FUTURES.keys()) out.add(priceKey(s, 'FUTURES'));
    return out;
  }

  sets(): { spot: Set<string>; futures: Set<string> } {
    return { spot: new Set(this.counts.SPOT.keys()), futures: new Set(this.counts.FUTURES.keys()) };
  }
}
