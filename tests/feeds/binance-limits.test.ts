// Per-connection limits as documented: 5 incoming messages per second on spot, pongs included
// (a pong owed right after a burst of SUBSCRIBEs must still fit), and a refused SUBSCRIBE
// (`{"error":{"code":2,…},"id":N}`) is retried with backoff and reported in the feed's health.
import { describe, expect, it, vi } from 'vitest';
import { binanceSetup, set, wait } from './binance-harness.ts';
import { spotAggTrade } from './fixtures/binance-frames.ts';

describe('Binance per-connection limits', () => {
  it('keeps the worst second at 5 messages with a pong owed right after a burst of control messages', async () => {
    // Binance pings on its own schedule; here one ping lands right after the 5th control message.
    const { spot, feed } = await binanceSetup(
      {},
      { spot: { onControl: (conn, _rec, fake) => fake.controls.filter((c) => c.conn === conn.index).length === 5 && fake.ping(conn, 'after-burst') } },
    );
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.controls).toHaveLength(1));
    const symbols = ['ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'DOTUSDT', 'LTCUSDT'];
    for (const s of symbols) {
      feed.watch(set('BTCUSDT', s));
      await wait(5);
    }
    await vi.waitFor(() => expect([...(spot.open[0]?.subscribed ?? [])]).toEqual(['btcusdt@aggTrade', 'ltcusdt@aggTrade']), { timeout: 8000 });
    await wait(300);
    const worst = Math.max(...spot.conns.map((c) => spot.worstSecond(c)));
    console.info(`[figure] worst second with pongs: ${worst} messages, ${spot.violations} limit violation(s), ${spot.conns.length} connection(s)`);
    expect(spot.conns[0]!.pongs).toBeGreaterThanOrEqual(1);
    expect(worst).toBeLessThanOrEqual(5);
    expect(spot.violations).toBe(0);
    expect(spot.conns).toHaveLength(1);
  });

  it('answers pings with their payload even when the window is full, within the limit', async () => {
    const { spot, feed } = await binanceSetup({}, { spot: { pingIntervalMs: 150 } });
    feed.watch(set('BTCUSDT', 'ETHUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(2));
    const server = spot.conns[0]!.ws;
    const pong = new Promise<string>((r) => server.once('pong', (data) => r(String(data))));
    spot.ping(spot.conns[0]!, 'payload-42');
    expect(await pong).toMatch(/^(payload-42|\d+)$/);
    await wait(700);
    expect(spot.worstSecond(spot.conns[0]!)).toBeLessThanOrEqual(5);
    expect(spot.violations).toBe(0);
  });

  it('retries a refused SUBSCRIBE with backoff and reports it until it succeeds', async () => {
    const { spot, feed, ticks } = await binanceSetup({ subscribeRetryMs: 100 });
    spot.refuse('ethusdt@aggTrade', 2);
    feed.watch(set('ETHUSDT'));
    await vi.waitFor(() => expect(spot.controls.filter((c) => c.method === 'SUBSCRIBE')).toHaveLength(1));
    await vi.waitFor(() => expect(feed.health().refusedSubscriptions).toEqual(['ETHUSDT']));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.has('ethusdt@aggTrade')).toBe(true), { timeout: 3000 });
    const subs = spot.controls.filter((c) => c.method === 'SUBSCRIBE');
    expect(subs).toHaveLength(3);
    // Growing delays: ~100 ms, then ~200 ms.
    expect(subs[2]!.at - subs[1]!.at).toBeGreaterThan(subs[1]!.at - subs[0]!.at);
    await vi.waitFor(() => expect(feed.health().refusedSubscriptions).toEqual([]));
    expect(spot.conns).toHaveLength(1);
    spot.push('ethusdt@aggTrade', spotAggTrade('ETHUSDT', '3300.5', 1_700_000_000_000));
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
  });
});
