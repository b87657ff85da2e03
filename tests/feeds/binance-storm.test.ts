// Reconnect storms against a fake that behaves as Binance does: it accepts and closes (1008) at
// once, or announces `serverShutdown` on every socket, or answers the handshake with 429 and
// Retry-After (and 418 to a client that comes back too soon). A manual clock drives our timers;
// the sockets are real.
import { describe, expect, it } from 'vitest';
import { binanceSetup, set, wait } from './binance-harness.ts';
import { ManualTimers } from './manual-timers.ts';

/** Moves the manual clock `totalMs` in steps, letting real sockets connect and close in between. */
async function run(timers: ManualTimers, totalMs: number, stepMs: number): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    timers.advance(stepMs);
    await wait(15);
  }
}

const quiet = { idleTimeoutMs: { spot: 0, futures: 0 }, silentFaultMs: 0, random: () => 0.5, backoffInitialMs: 500, backoffMaxMs: 60_000 };

describe('Binance reconnect storms', () => {
  it('a server that accepts and closes at once gets a few connections in 20 s, not ~50', async () => {
    const timers = new ManualTimers(Date.now());
    const { spot, feed } = await binanceSetup({ ...quiet, timers }, { spot: { onOpen: (c) => c.ws.close(1008, 'policy') } });
    feed.watch(set('BTCUSDT'));
    await wait(30);
    await run(timers, 20_000, 250);
    console.info(`[figure] accept-and-close storm: ${spot.handshakes.length} connections in 20 s`);
    expect(spot.handshakes.length).toBeGreaterThanOrEqual(3);
    expect(spot.handshakes.length).toBeLessThanOrEqual(8);
  });

  it('serverShutdown on every socket: rotations keep a floor between them', async () => {
    const timers = new ManualTimers(Date.now());
    const { spot, feed } = await binanceSetup({ ...quiet, timers, minRotationIntervalMs: 30_000 }, { spot: { onOpen: (c, f) => f.shutdown(c, 60_000) } });
    feed.watch(set('BTCUSDT'));
    await wait(30);
    await run(timers, 20_000, 250);
    console.info(`[figure] serverShutdown storm: ${spot.handshakes.length} connections in 20 s`);
    expect(spot.handshakes.length).toBeLessThanOrEqual(2);
    // Still streaming: the announced socket stays until its replacement is subscribed.
    expect(spot.open.length).toBeGreaterThanOrEqual(1);
  });

  it('honours 429 Retry-After for every connection, so no 418 ban follows', async () => {
    const timers = new ManualTimers(Date.now());
    const { spot, feed } = await binanceSetup(
      { ...quiet, timers, backoffInitialMs: 200 },
      { spot: { onOpen: (c) => c.ws.close(1008, 'policy'), connectionsPer5Min: 3, retryAfterSeconds: 30, now: () => timers.now() } },
    );
    feed.watch(set('BTCUSDT'));
    await wait(30);
    await run(timers, 60_000, 500);
    const statuses = spot.handshakes.map((h) => h.status);
    console.info(`[figure] 429 storm: handshakes ${JSON.stringify(statuses)}`);
    const first429 = spot.handshakes.findIndex((h) => h.status === 429);
    expect(first429).toBe(3);
    expect(statuses).not.toContain(418);
    const next = spot.handshakes[first429 + 1];
    if (next) expect(next.at - spot.handshakes[first429]!.at).toBeGreaterThanOrEqual(30_000);
  });

  it('keeps every connection of the process within one per-IP budget', async () => {
    const timers = new ManualTimers(Date.now());
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'DOTUSDT', 'LTCUSDT', 'TRXUSDT'];
    const { spot, futures, feed } = await binanceSetup(
      { ...quiet, timers, backoffInitialMs: 200, backoffMaxMs: 2_000, connectionsPer5Minutes: 30, maxStreamsPerConnection: { spot: 1, futures: 1 } },
      { spot: { onOpen: (c) => c.ws.close(1008) }, futures: { onOpen: (c) => c.ws.close(1008) } },
    );
    feed.watchMarkets({ spot: new Set(symbols.slice(0, 5)), futures: new Set(symbols.slice(5)) });
    await wait(30);
    await run(timers, 290_000, 2_000);
    const made = spot.handshakes.length + futures.handshakes.length;
    console.info(`[figure] 10 connections closed at once for 290 s: ${made} attempts (budget 30)`);
    expect(made).toBeGreaterThanOrEqual(10);
    expect(made).toBeLessThanOrEqual(30);
  });
});
