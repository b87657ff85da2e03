// Open-trade counts per (market, symbol), kept as trades open and close, so the feed's watch list
// costs O(symbols) a second instead of a pass over every open trade.
import type { MarketType } from '../../shared/constants.ts';

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

  has(symbol: string): boolean {
    return this.counts.SPOT.has(symbol) || this.counts.FUTURES.has(symbol);
  }

  sets(): { spot: Set<string>; futures: Set<string> } {
    return { spot: new Set(this.counts.SPOT.keys()), futures: new Set(this.counts.FUTURES.keys()) };
  }
}
