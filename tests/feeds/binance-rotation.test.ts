// Rotation without losing ticks: on `serverShutdown` (the old socket keeps streaming for a while,
// as documented) and at the 24 h lifetime, the new socket is open and subscribed before the old one
// is closed; aggregate trades carried by both are delivered once.
import { describe, expect, it, vi } from 'vitest';
import { binanceSetup, set, wait } from './binance-harness.ts';
import { spotAggTrade } from './fixtures/binance-frames.ts';
import { ManualTimers } from './manual-timers.ts';

const T0 = 1_700_000_000_000;
const TP = 100_000;

describe.each(['serverShutdown', 'lifetime'] as const)('Binance rotation on %s', (trigger) => {
  it('loses no tick (a TP crossing during the swap included) and delivers each aggTrade once', async () => {
    const timers = trigger === 'lifetime' ? new ManualTimers(Date.now()) : undefined;
    const { spot, feed, ticks } = await binanceSetup({
      minRotationIntervalMs: 0,
      idleTimeoutMs: { spot: 0, futures: 0 },
      silentFaultMs: 0,
      ...(timers ? { timers } : {}),
    });
    feed.watch(set('BTCUSDT'));
    await vi.waitFor(() => expect(spot.conns[0]?.subscribed.size).toBe(1));

    // Binance's trades go on whatever happens to our sockets: one aggTrade every 2 ms.
    const total = 300;
    const swapAt = 100;
    let i = 0;
    let closedOldAt = -1;
    let subscribedNewAt = -1;
    await new Promise<void>((done) => {
      const pusher = setInterval(() => {
        if (i === total) return (clearInterval(pusher), done());
        i++;
        // The price crosses the take-profit only in the few ticks right after the swap begins.
        const price = i >= swapAt && i < swapAt + 5 ? TP + 500 : 95_000 + i;
        spot.push('btcusdt@aggTrade', spotAggTrade('BTCUSDT', String(price), T0 + i, i));
        if (i === swapAt) {
          if (trigger === 'serverShutdown') spot.shutdown(spot.conns[0]!, 2_000);
          else timers!.advance((23 * 60 + 50) * 60_000);
        }
        if (closedOldAt < 0 && spot.conns[0]!.closed) closedOldAt = i;
        if (subscribedNewAt < 0 && spot.conns[1]?.subscribed.size === 1) subscribedNewAt = i;
      }, 2);
    });
    await wait(100);

    const seen = ticks.map((t) => t.ts - T0);
    const lost = total - new Set(seen).size;
    const duplicated = seen.length - new Set(seen).size;
    console.info(`[figure] rotation on ${trigger}: ${lost} of ${total} ticks lost, ${duplicated} duplicated`);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(ticks.some((t) => t.price >= TP)).toBe(true);
    expect(spot.conns).toHaveLength(2);
    // Make-before-break: the old socket went only after the new one was subscribed.
    expect(subscribedNewAt).toBeGreaterThan(0);
    expect(closedOldAt < 0 || closedOldAt >= subscribedNewAt).toBe(true);
    await vi.waitFor(() => expect(spot.conns[0]!.closed).toBe(true));
    expect(spot.open).toHaveLength(1);
  });
});
