// PRICE_FEED → adapter mapping.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { BinancePriceFeed } from '../../server/feeds/binance-feed.ts';
import { BotPriceFeed } from '../../server/feeds/bot-feed.ts';
import { createFeed } from '../../server/feeds/create-feed.ts';
import { ReplayPriceFeed } from '../../server/feeds/replay-feed.ts';
import { SimulatedPriceFeed } from '../../server/feeds/simulated-feed.ts';

const log = pino({ level: 'silent' });
const feedFor = (PRICE_FEED: string) => createFeed(loadConfig({ PRICE_FEED }), log);

describe('createFeed', () => {
  it.each([
    ['simulated', SimulatedPriceFeed],
    ['binance', BinancePriceFeed],
    ['bot', BotPriceFeed],
    ['replay:ticks.csv?speed=5', ReplayPriceFeed],
  ] as const)('maps %s', (spec, cls) => {
    expect(feedFor(spec)).toBeInstanceOf(cls);
  });

  it('takes the Binance endpoints as bases from the configuration and names a bad one', () => {
    const feed = createFeed(loadConfig({ PRICE_FEED: 'binance', BINANCE_FUTURES_WS: 'wss://fstream.example:9443' }), log);
    expect(feed).toBeInstanceOf(BinancePriceFeed);
    expect(() => loadConfig({ PRICE_FEED: 'binance', BINANCE_FUTURES_WS: 'https://fstream.binance.com' })).toThrow(
      /BINANCE_FUTURES_WS: must be a ws:\/\/ or wss:\/\/ URL/,
    );
    expect(() => loadConfig({ BINANCE_CONNECTIONS_PER_5M: '301' })).toThrow(/BINANCE_CONNECTIONS_PER_5M/);
  });

  it('rejects a bad replay option at start-up', () => {
    expect(() => feedFor('replay:ticks.csv?speed=-1')).toThrow(/speed/);
  });
});
