// Shared set-up for the Binance feed tests: a spot and a futures fake, a feed pointed at their
// bases, the ticks it delivers, and cleanup after each test.
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { BinancePriceFeed, type BinanceFeedOptions } from '../../server/feeds/binance-feed.ts';
import { FakeBinance, type FakeOptions } from './fake-binance.ts';

export interface Tick {
  symbol: string;
  price: number;
  ts: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export async function binanceSetup(opts: BinanceFeedOptions = {}, fakes: { spot?: FakeOptions; futures?: FakeOptions } = {}) {
  const spot = await FakeBinance.start({ ...fakes.spot, market: 'spot' });
  const futures = await FakeBinance.start({ ...fakes.futures, market: 'futures' });
  cleanups.push(
    () => spot.close(),
    () => futures.close(),
  );
  return { spot, futures, ...startFeed({ spotUrl: spot.url, futuresUrl: futures.url, ...opts }) };
}

/** A started feed (fast test backoff unless given) and the ticks it delivers; stopped after the test. */
export function startFeed(opts: BinanceFeedOptions) {
  const feed = new BinancePriceFeed({ log: pino({ level: 'silent' }), backoffInitialMs: 20, backoffMaxMs: 200, ...opts });
  const ticks: Tick[] = [];
  feed.start({ tick: (symbol, price, ts) => ticks.push({ symbol, price, ts }) });
  cleanups.push(() => feed.stop());
  return { feed, ticks };
}

export const set = (...s: string[]) => new Set(s);
export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
