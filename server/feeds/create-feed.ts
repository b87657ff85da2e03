// PRICE_FEED → adapter. The only place that knows every feed.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { BinancePriceFeed } from './binance-feed.ts';
import { BotPriceFeed } from './bot-feed.ts';
import type { PriceFeed } from './price-feed.ts';
import { ReplayPriceFeed } from './replay-feed.ts';
import { SimulatedPriceFeed } from './simulated-feed.ts';

/** `binance` endpoints may be overridden (a proxy, the testnet) by BINANCE_SPOT_WS / BINANCE_FUTURES_WS bases. */
export function createFeed(config: Config, log: Logger): PriceFeed {
  const spec = config.priceFeed;
  const feedLog = log.child({ module: 'feed' });
  if (spec === 'bot') return new BotPriceFeed();
  if (spec === 'simulated') return new SimulatedPriceFeed({ seed: config.seed });
  if (spec === 'binance') {
    const b = config.binance;
    return new BinancePriceFeed({
      log: feedLog,
      connectionsPer5Minutes: b.connectionsPer5Minutes,
      silentFaultMs: b.silentFaultMs,
      ...(b.spotWs ? { spotUrl: b.spotWs } : {}),
      ...(b.futuresWs ? { futuresUrl: b.futuresWs } : {}),
    });
  }
  if (spec.startsWith('replay:')) return new ReplayPriceFeed(spec, feedLog);
  throw new Error(`PRICE_FEED: unknown feed "${spec}"`);
}
