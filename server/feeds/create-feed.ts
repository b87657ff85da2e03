// PRICE_FEED → adapter. The only place that knows every feed.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { BotPriceFeed } from './bot-feed.ts';
import type { PriceFeed } from './price-feed.ts';

export function createFeed(config: Config, log: Logger): PriceFeed {
  const spec = config.priceFeed;
  if (spec === 'bot') return new BotPriceFeed();
  log.warn({ feed: spec }, 'price feed not available yet; using bot-fed prices');
  return new BotPriceFeed();
}
