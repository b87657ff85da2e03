// BinancePriceFeed against a loopback fake speaking Binance's wire format.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BinancePriceFeed, type BinanceFeedOptions } from '../../server/feeds/binance-feed.ts';
import { FakeBinance, type ControlRecord } from './fake-binance.ts';
import { futuresAggTrade, MALFORMED_FRAMES, SERVER_SHUTDOWN, spotAggTrade, spotTrade } from './fixtures/binance-frames.ts';
import { ManualTimers } from './manual-timers.ts';

interface Tick {
  symbol: string;
  price: number;
  ts: number;
  market?: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: BinanceFeedOptions = {}) {
  const spot = await FakeBinance.start();
  const futures = await FakeBinance.start({ market: 'futures' });
  const feed = new BinancePriceFeed({
    spotUrl: spot.url,
    futuresUrl: futures.url,
    log: pino({ level: 'silent' }),
    backoffInitialMs: 20,
    backoffMaxMs: 200,
    ...opts,
  });
  const ticks: Tick[] = [];
  feed.start({ tick: (symbol, price, ts, market) => ticks.push({ symbol, price, ts, ...(market ? { market } : {}) }) });
  cleanups.push(
    () => spot.close(),
    () => futures.close(),
    () => feed.stop(),
  );
  return { spot, futures, feed, ticks };
}

const set = (...s: string[]) => new Set(s);
const shape = (c: ControlRecord) => ({ method: c.method, params: [...c.params].sort() });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Largest number of control messages any connection received within one second. */
function maxPerSecond(controls: ControlRecord[]): number {
  let max = 0;
  for (const c of controls) {
    const n = controls.filter((d) => d.conn === c.conn && d.at >= c.at && d.at - c.at < 1000).length;
    max = Math.max(max, n);
  }
  return max;
}

describe('BinancePriceFeed', () => {
  it('subscribes and unsubscribes to follow watch(), on the combined-stream endpoint', async () => {
    const { spot, futures, feed } = await setup();
    feed.watch(set('BTCUSDT', 'ETHUSDT'));
    await vi.waitFor(() => expect(spot.controls).toHaveLength(1));
    expect(spot.conns[0]!.path).toBe('/stream');
    expect(spot.controls[0]).toMatchObject({ method: 'SUBSCRIBE', id: 1 });
    expect(shape(spot.controls[0]!).params).toEqual(['btcusdt@aggTrade', 'ethusdt@aggTrade']);

    feed.watch(set('ETHUSDT', 'SOLUSDT'));
    await vi.waitFor(() => expect(spot.controls).toHaveLength(3));
    expect(spot.controls.slice(1).map(shape)).toEqual([
      { method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'] },
      { method: 'SUBSCRIBE', params: ['solusdt@aggTrade'] },
    ]);

    feed.watch(set());
    await vi.waitFor(() => expect(spot.controls).toHaveLength(4));
    expect(shape(spot.controls[3]!)).toEqual({ method: 'UNSUBSCRIBE', params: ['ethusdt@aggTrade', 'solusdt@aggTrade'] });
    expect(spot.controls.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(spot.conns[0]!.subscribed.size).toBe(0);
    expect(futures.conns).toHaveLength(0);
  });

  it('queues subscription changes to at most 5 messages per second and converges on the last set', async () => {
    const { spot, feed } = await setup();
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.controls).toHaveLength(1));
    const symbols = ['ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'DOTUSDT', 'LTCUSDT'];
    for (const s of symbols) {
      feed.watch(set('BTCUSDT', s));
      await wait(15);
    }
    await vi.waitFor(() => expect([...spot.conns[0]!.subscribed]).toEqual(['btcusdt@aggTrade', 'ltcusdt@aggTrade']), {
      timeout: 5000,
    });
    await wait(300);
    expect(maxPerSecond(spot.controls)).toBeLessThanOrEqual(5);
    expect(spot.controls.length).toBeGreaterThan(5);
  });

  it('forwards aggTrade and trade events in order and answers pings with pongs', async () => {
    const { spot, feed, ticks } = await setup();
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));
    spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', '95000.10', 1_700_000_000_001));
    spot.push('btcusdt@aggTrade', spotTrade('BTCUSDT', '95000.20', 1_700_000_000_002));
    await vi.waitFor(() => expect(ticks).toHaveLength(2));
    expect(ticks).toEqual([
      { symbol: 'BTCUSDT', price: 95000.1, ts: 1_700_000_000_001, market: 'SPOT' },
      { symbol: 'BTCUSDT', price: 95000.2, ts: 1_700_000_000_002, market: 'SPOT' },
    ]);

    const server = spot.conns[0]!.ws;
    const pong = new Promise<string>((r) => server.once('pong', (data) => r(String(data))));
    server.ping(Buffer.from('keepalive-123'));
    expect(await pong).toBe('keepalive-123');
  });

  it('reconnects after a server-initiated close and subscribes again', async () => {
    const { spot, feed, ticks } = await setup();
    feed.watch(set('BTCUSDT', 'ETHUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(2));
    spot.conns[0]!.ws.close(1001, 'going away');
    await vi.waitFor(() => expect(spot.conns[1]?.subscribed.size).toBe(2));
    const resub = spot.controls.filter((c) => c.conn === 1).map(shape);
    expect(resub).toEqual([{ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'ethusdt@aggTrade'] }]);
    expect(feed.stats.reconnects).toBe(1);
    spot.push('ethusdt@aggTrade', spotAggTrade('ETHUSDT', '3300.5', 1_700_000_000_000));
    await vi.waitFor(() => expect(ticks.map((t) => t.symbol)).toEqual(['ETHUSDT']));

    // An abrupt drop (no close frame) is handled the same way.
    spot.conns[1]!.ws.terminate();
    await vi.waitFor(() => expect(spot.conns[2]?.subscribed.size).toBe(2));
  });

  it('rotates the connection before the 24 h limit (manual clock) and re-subscribes', async () => {
    const timers = new ManualTimers();
    const { spot, feed } = await setup({ timers, idleTimeoutMs: { spot: 0, futures: 0 } });
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));

    timers.advance((23 * 60 + 49) * 60_000);
    await wait(50);
    expect(spot.conns).toHaveLength(1);

    timers.advance(60_000);
    await vi.waitFor(() => expect(spot.conns[1]?.subscribed).toEqual(set('btcusdt@aggTrade')));
    await vi.waitFor(() => expect(spot.conns[0]!.closed).toBe(true));
    expect(spot.open).toHaveLength(1);

    // The new connection gets its own 23 h 50 m.
    timers.advance((23 * 60 + 50) * 60_000);
    await vi.waitFor(() => expect(spot.conns[2]?.subscribed.size).toBe(1));
  });

  it('reconnects on a serverShutdown event, raw or wrapped', async () => {
    // No floor between rotations here: binance-storm.test.ts covers the floor.
    const { spot, feed, ticks } = await setup({ minRotationIntervalMs: 0 });
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));
    spot.sendRaw(spot.conns[0]!, SERVER_SHUTDOWN);
    await vi.waitFor(() => expect(spot.conns[1]?.subscribed.size).toBe(1));
    await vi.waitFor(() => expect(spot.conns[0]!.closed).toBe(true));
    spot.sendRaw(spot.conns[1]!, JSON.stringify({ stream: '!serverShutdown', data: JSON.parse(SERVER_SHUTDOWN) }));
    await vi.waitFor(() => expect(spot.conns[2]?.subscribed.size).toBe(1));
    spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', '95001', 1_700_000_000_000));
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    expect(feed.stats.malformed).toBe(0);
  });

  it('counts and drops malformed frames without disconnecting', async () => {
    const { spot, feed, ticks } = await setup();
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));
    const conn = spot.conns[0]!;
    for (const f of MALFORMED_FRAMES) spot.sendRaw(conn, f);
    spot.sendRaw(conn, Buffer.from([1, 2, 3]), true);
    spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', '95002.5', 1_700_000_000_000));
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    expect(ticks[0]).toEqual({ symbol: 'BTCUSDT', price: 95002.5, ts: 1_700_000_000_000, market: 'SPOT' });
    expect(feed.stats.malformed).toBe(MALFORMED_FRAMES.length + 1);
    expect(feed.stats.reconnects).toBe(0);
    expect(spot.conns).toHaveLength(1);
  });

  it('uses the futures endpoint for FUTURES symbols, both endpoints for a symbol in both, and names each tick’s market', async () => {
    const { spot, futures, feed, ticks } = await setup();
    feed.watchMarkets({ spot: set('BTCUSDT'), futures: set('ETHUSDT', 'BTCUSDT') });
    // SPEC §10: a futures trade is decided on futures prices, so BTCUSDT is subscribed on both markets.
    await vi.waitFor(() => expect(futures.conns[0]?.subscribed).toEqual(set('ethusdt@aggTrade', 'btcusdt@aggTrade')));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed).toEqual(set('btcusdt@aggTrade')));
    futures.push('ethusdt@aggTrade', futuresAggTrade('ETHUSDT', '3301.25', 1_700_000_000_000));
    await vi.waitFor(() => expect(ticks).toEqual([{ symbol: 'ETHUSDT', price: 3301.25, ts: 1_700_000_000_000, market: 'FUTURES' }]));
    // The same aggregate-trade id on both markets is two trades (ids are a series per market), not a duplicate.
    futures.push('btcusdt@aggTrade', futuresAggTrade('BTCUSDT', '95010.5', 1_700_000_000_001, 77));
    spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', '95000.5', 1_700_000_000_002, 77));
    await vi.waitFor(() => expect(ticks).toHaveLength(3));
    expect(ticks.slice(1).sort((a, b) => a.ts - b.ts)).toEqual([
      { symbol: 'BTCUSDT', price: 95010.5, ts: 1_700_000_000_001, market: 'FUTURES' },
      { symbol: 'BTCUSDT', price: 95000.5, ts: 1_700_000_000_002, market: 'SPOT' },
    ]);

    feed.watchMarkets({ spot: set(), futures: set() });
    await vi.waitFor(() => expect(shape(futures.controls.at(-1)!)).toEqual({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade', 'ethusdt@aggTrade'] }));
  });

  it('spreads streams over several connections past the per-connection limit', async () => {
    const { spot, feed } = await setup({ maxStreamsPerConnection: { spot: 3 } });
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT'];
    feed.watch(new Set(symbols));
    await vi.waitFor(() => expect(spot.open.reduce((n, c) => n + c.subscribed.size, 0)).toBe(7));
    expect(spot.conns).toHaveLength(3);
    expect(spot.conns.map((c) => c.subscribed.size)).toEqual([3, 3, 1]);

    // Freed capacity is reused before a new connection is opened.
    feed.watch(new Set(['ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'DOTUSDT']));
    await vi.waitFor(() => expect(spot.conns[0]!.subscribed.has('dotusdt@aggTrade')).toBe(true));
    expect(spot.conns).toHaveLength(3);
  });

  it('backs off with growing, jittered delays while the server is unreachable', async () => {
    const fake = await FakeBinance.start();
    const url = fake.url;
    await fake.close();
    const timers = new ManualTimers();
    const delays: number[] = [];
    const orig = timers.setTimeout.bind(timers);
    timers.setTimeout = (fn, ms) => {
      delays.push(ms);
      return orig(fn, ms);
    };
    const feed = new BinancePriceFeed({
      spotUrl: url,
      futuresUrl: url,
      timers,
      random: () => 0.5,
      backoffInitialMs: 100,
      backoffMaxMs: 1000,
      idleTimeoutMs: { spot: 0 },
    });
    cleanups.push(() => feed.stop());
    feed.start({ tick: () => {} });
    feed.watch(set('BTCUSDT'));
    for (let i = 0; i < 6; i++) {
      await vi.waitFor(() => expect(delays).toHaveLength(i + 1));
      timers.advance(delays[i]!);
    }
    // Equal jitter with random()=0.5: 0.75 × min(max, initial × 2^n).
    expect(delays).toEqual([75, 150, 300, 600, 750, 750]);
    expect(feed.stats.reconnects).toBe(6);
  });
});

describe('hasMarketWatch', () => {
  it('tells the composition root which feeds take spot and futures sets', async () => {
    const { hasMarketWatch } = await import('../../server/feeds/market-watch.ts');
    const { BotPriceFeed } = await import('../../server/feeds/bot-feed.ts');
    expect(hasMarketWatch(new BinancePriceFeed())).toBe(true);
    expect(hasMarketWatch(new BotPriceFeed())).toBe(false);
  });
});
