// Open-trade counts per (market, symbol), kept as trades open and close, so the feed's watch list
// costs O(symbols) a second instead of a pass over every open trade.
import type { MarketType } from '../../shared/constants.ts';

export class WatchedMarkets {
  private counts: Record<MarketType, Map<string, number>> = { SPOT: new Map(), FUTURES: new Map() };

  add(market: MarketType, symbol: string): void {
    const m = this.counts[market];
    m.set(symbol, (m.get(symbol) ?? 0) + 1);
  }

  remove(market: MarketType, symbol: string): void {
    const m = this.counts[market];
    const n = (m.get(symbol) ?? 0) - 1;
    if (n > 0) m.set(symbol, n);
    else m.delete(symbol);
  }

  has(symbol: string): boolean {
    return this.counts.SPOT.has(symbol) || this.counts.FUTURES.has(symbol);
  }

  sets(): { spot: Set<string>; futures: Set<string> } {
    return { spot: new Set(this.counts.SPOT.keys()), futures: new Set(this.counts.FUTURES.keys()) };
  }
}
