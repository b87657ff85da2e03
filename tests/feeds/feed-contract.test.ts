// One contract for every PriceFeed adapter: ticks arrive in order and valid; stop() ends them and
// may be called twice.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SYMBOL_PATTERN } from '../../shared/constants.ts';
import { BinancePriceFeed } from '../../server/feeds/binance-feed.ts';
import { BotPriceFeed } from '../../server/feeds/bot-feed.ts';
import type { PriceFeed } from '../../server/feeds/price-feed.ts';
import { ReplayPriceFeed } from '../../server/feeds/replay-feed.ts';
import { SimulatedPriceFeed } from '../../server/feeds/simulated-feed.ts';
import { FakeBinance } from './fake-binance.ts';
import { spotAggTrade } from './fixtures/binance-frames.ts';

type Tick = [symbol: string, price: number, ts: number];

interface Harness {
  feed: PriceFeed;
  /** Makes the feed's source produce ticks (push, fake server frames); a no-op for self-driven feeds. */
  produce(): Promise<void> | void;
  /** The exact ticks expected, when the source is scripted. */
  expected?: Tick[];
  minTicks: number;
  cleanup?(): Promise<void> | void;
}

const SCRIPT: Tick[] = [
  ['BTCUSDT', 95000.5, 1_735_689_600_000],
  ['ETHUSDT', 3300.25, 1_735_689_600_001],
  ['BTCUSDT', 95001, 1_735_689_600_002],
  ['SOLUSDT', 180.1, 1_735_689_600_003],
];

const FACTORIES: Array<[string, () => Promise<Harness>]> = [
  ['simulated', async () => ({ feed: new SimulatedPriceFeed({ seed: 1, intervalMs: 10 }), produce: () => {}, minTicks: 60 })],
  [
    'replay',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'paperbook-contract-')), 'ticks.csv');
      writeFileSync(file, SCRIPT.map((t) => `${t[2]},${t[0]},${t[1]}`).join('\n'));
      return { feed: new ReplayPriceFeed(`replay:${file}`), produce: () => {}, expected: SCRIPT, minTicks: SCRIPT.length };
    },
  ],
  [
    'bot',
    async () => {
      const feed = new BotPriceFeed();
      return {
        feed,
        produce: () => void feed.push({ ticks: SCRIPT.map(([symbol, price, ts]) => ({ symbol, price, ts })) }),
        expected: SCRIPT,
        minTicks: SCRIPT.length,
      };
    },
  ],
  [
    'binance',
    async () => {
      const fake = await FakeBinance.start();
      const feed = new BinancePriceFeed({ spotUrl: fake.url, futuresUrl: fake.url, log: pino({ level: 'silent' }) });
      feed.watch(new Set(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']));
      let first = true;
      return {
        feed,
        produce: async () => {
          if (first) await vi.waitFor(() => expect(fake.open[0]?.subscribed.size).toBe(3));
          first = false;
          for (const [s, p, ts] of SCRIPT) fake.push(`${s.toLowerCase()}@aggTrade`, spotAggTrade(s, String(p), ts));
        },
        expected: SCRIPT,
        minTicks: SCRIPT.length,
        cleanup: () => fake.close(),
      };
    },
  ],
];

describe.each(FACTORIES)('PriceFeed contract: %s', (_name, make) => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.feed.stop();
    await h?.cleanup?.();
    h = null;
  });

  it('delivers valid ticks in order after start()', async () => {
    h = await make();
    const ticks: Tick[] = [];
    await h.feed.start({ tick: (s, p, ts) => ticks.push([s, p, ts]) });
    await h.produce();
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(h!.minTicks), { timeout: 5000 });
    for (const [symbol, price, ts] of ticks) {
      expect(symbol).toMatch(SYMBOL_PATTERN);
      expect(Number.isFinite(price) && price > 0).toBe(true);
      expect(Number.isSafeInteger(ts) && ts > 0).toBe(true);
    }
    const last = new Map<string, number>();
    for (const [symbol, , ts] of ticks) {
      expect(ts).toBeGreaterThanOrEqual(last.get(symbol) ?? 0);
      last.set(symbol, ts);
    }
    if (h.expected) expect(ticks).toEqual(h.expected);
  });

  it('delivers nothing after stop(), and stop() is idempotent', async () => {
    h = await make();
    const ticks: Tick[] = [];
    await h.feed.start({ tick: (s, p, ts) => ticks.push([s, p, ts]) });
    await h.produce();
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    await h.feed.stop();
    const seen = ticks.length;
    await h.produce();
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks.length).toBe(seen);
    await h.feed.stop();
  });
});
