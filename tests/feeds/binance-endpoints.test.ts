// Endpoints and time units as documented in 2026: USDⓈ-M futures market data only under
// `/market` (the old `/stream` acks SUBSCRIBE and then sends nothing), overrides are bases,
// silence of every stream is a feed fault, microsecond timestamps are converted or refused.
import { describe, expect, it, vi } from 'vitest';
import { streamEndpoint } from '../../server/feeds/binance-endpoints.ts';
import { toEpochMs } from '../../server/feeds/binance-messages.ts';
import { publicFeedHealth } from '../../server/feeds/price-feed.ts';
import { binanceSetup, set, startFeed, wait } from './binance-harness.ts';
import { futuresAggTrade, spotAggTrade } from './fixtures/binance-frames.ts';

const T0 = 1_700_000_000_000;

describe('Binance endpoints', () => {
  it('streams FUTURES aggTrades from /market/stream when given a base (0 → n ticks)', async () => {
    const { futures, feed, ticks } = await binanceSetup();
    feed.watchMarkets({ spot: set(), futures: set('ETHUSDT') });
    await vi.waitFor(() => expect(futures.conns[0]?.subscribed.size).toBe(1));
    expect(futures.conns[0]!.path).toBe('/market/stream');
    const n = 20;
    let delivered = 0;
    for (let i = 1; i <= n; i++) delivered += futures.push('ethusdt@aggTrade', futuresAggTrade('ETHUSDT', String(3300 + i), T0 + i));
    expect(delivered).toBe(n);
    await vi.waitFor(() => expect(ticks).toHaveLength(n));
    expect(ticks.at(-1)).toEqual({ symbol: 'ETHUSDT', price: 3320, ts: T0 + n });
  });

  it('keeps a full path when one is given, and adds the documented paths to bases', async () => {
    expect(streamEndpoint('spot', 'wss://stream.binance.com:9443')).toBe('wss://stream.binance.com:9443/stream');
    expect(streamEndpoint('futures', 'wss://fstream.binance.com/')).toBe('wss://fstream.binance.com/market/stream');
    expect(streamEndpoint('futures')).toBe('wss://fstream.binance.com/market/stream');
    expect(streamEndpoint('futures', 'wss://proxy.example:8443/binance/market/stream')).toBe('wss://proxy.example:8443/binance/market/stream');
    expect(() => streamEndpoint('spot', 'https://stream.binance.com')).toThrow(/ws:\/\/ or wss:\/\//);

    const { spot, futures } = await binanceSetup();
    const { feed, ticks } = startFeed({ spotUrl: spot.url, futuresUrl: `${futures.url}/market/stream` });
    feed.watchMarkets({ spot: set(), futures: set('SOLUSDT') });
    await vi.waitFor(() => expect(futures.conns[0]?.subscribed.size).toBe(1));
    expect(futures.conns[0]!.path).toBe('/market/stream');
    futures.push('solusdt@aggTrade', futuresAggTrade('SOLUSDT', '150.5', T0));
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
  });

  it('reports a socket whose streams are all silent (old futures path) as a fault and tries a fresh one', async () => {
    const h = await binanceSetup();
    const legacy = startFeed({ spotUrl: h.spot.url, futuresUrl: `${h.futures.url}/stream`, silentFaultMs: 300 });
    legacy.feed.watchMarkets({ spot: set(), futures: set('ETHUSDT') });
    await vi.waitFor(() => expect(h.futures.conns[0]?.subscribed.size).toBe(1));
    expect(h.futures.conns[0]!.path).toBe('/stream');
    // The documented behaviour of the old path: acknowledged, pinged, and nothing else.
    expect(h.futures.push('ethusdt@aggTrade', futuresAggTrade('ETHUSDT', '3300', T0))).toBe(0);
    h.futures.ping(h.futures.conns[0]!);

    await vi.waitFor(() => expect(legacy.feed.health().fault).toMatch(/futures: silent/), { timeout: 3000 });
    const report = legacy.feed.health();
    expect(report.legacyFuturesPath).toBe(true);
    expect(report.faults).toEqual([{ market: 'futures', reason: expect.stringMatching(/^silent/), symbols: ['ETHUSDT.P'] }]);
    // A user's symbol alone must not move a public surface; a public one does (per price key: the
    // futures connection carries ETHUSDT.P, which a public SPOT trade on ETHUSDT does not make public).
    expect(publicFeedHealth(report, () => false)).toEqual({ fault: null, refused: 0 });
    expect(publicFeedHealth(report, (s) => s === 'ETHUSDT').fault).toBeNull();
    expect(publicFeedHealth(report, (s) => s === 'ETHUSDT.P').fault).toMatch(/futures: silent/);
    await vi.waitFor(() => expect(h.futures.conns.length).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    expect(legacy.ticks).toHaveLength(0);
  });

  it('converts microsecond trade times to milliseconds and refuses ambiguous ones', async () => {
    const { spot, feed, ticks } = await binanceSetup({}, { spot: { forceMicroseconds: true } });
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));
    spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', '95000.5', T0 + 7));
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    expect(ticks[0]).toEqual({ symbol: 'BTCUSDT', price: 95000.5, ts: T0 + 7 });

    expect(toEpochMs(T0)).toBe(T0);
    expect(toEpochMs(T0 * 1000 + 999)).toBe(T0);
    expect(toEpochMs(T0 * 10)).toBeNull(); // neither ms nor µs of this century
    expect(toEpochMs(T0 * 1_000_000)).toBeNull(); // nanoseconds
    await wait(10);
  });
});
