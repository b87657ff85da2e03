// Optional extension of the PriceFeed port for feeds that price SPOT and FUTURES separately
// (binance). The composition root calls `watchMarkets` when a feed has it, else `watch`.
import type { PriceFeed } from './price-feed.ts';

export interface MarketWatch {
  spot: ReadonlySet<string>;
  futures: ReadonlySet<string>;
}

export interface MarketWatchingFeed extends PriceFeed {
  watchMarkets(w: MarketWatch): void;
}

export function hasMarketWatch(feed: PriceFeed): feed is MarketWatchingFeed {
  return typeof (feed as Partial<MarketWatchingFeed>).watchMarkets === 'function';
}
