// On the real server: the performance endpoint's `analytics` matches a brute-force computation over
// the tick stream the test recorded (MFE/MAE at one-second resolution, excursion averages, R).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { computeSignalQuality, excursionsPct, type QualityTrade } from '../../shared/analytics/signal-quality.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;
const ticks: { price: number; ts: number }[] = [];
let lastTs = 0;
async function tick(price: number): Promise<void> {
  const ts = Math.max(Date.now(), lastTs + 1);
  lastTs = ts;
  ticks.push({ price, ts });
  await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price, ts }] });
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startTestServer({ PRICE_STALE_MS: '60000' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('signal-quality analytics, live', { timeout: 60_000 }, () => {
  it('match a brute-force pass over the recorded ticks', async () => {
    await tick(100);
    const signals = [
      { direction: 'LONG', entry: 100, tp: 103, sl: 97, confidence: 0.9, timeframe: '1h' },
      { direction: 'SHORT', entry: 100, tp: 97, sl: 103, confidence: 0.3, timeframe: '4h' },
      { direction: 'LONG', entry: 100, tp: 102, sl: 98.5, confidence: 0.6, timeframe: '1h' },
      { direction: 'SHORT', entry: 100, tp: 98, sl: 101.5, confidence: 0.75, timeframe: '15m' },
    ];
    for (const [i, s] of signals.entries()) {
      const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: `sq-${i}`, symbol: 'BTCUSDT', ...s });
      expect(ack).toMatchObject({ ok: true });
    }
    // A deterministic wander inside every band for > 2 s, then out through both sides.
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 60; i++) {
      await tick(99 + rnd() * 2.2 - 0.1 * (i % 3));
      await pause(40);
    }
    for (const p of [101.6, 102.5, 104, 99, 97.5, 96.5]) {
      await tick(p);
      await pause(300);
    }
    let trades: TradeJson[] = [];
    await waitFor(
      async () => {
        const body = (await (await fetch(`${server.url}/api/public/paper-trading/?status=`)).json()) as { results: TradeJson[] };
        trades = body.results;
        return trades.length === 4 && trades.every((t) => t.exit_time !== null);
      },
      10_000,
      'all four trades closed',
    );

    const perf = (await (await fetch(`${server.url}/api/public/paper-trading/performance/`)).json()) as { analytics: ReturnType<typeof computeSignalQuality> };
    const brute: QualityTrade[] = trades.map((t) => {
      const from = Math.floor(Date.parse(t.entry_time) / 1000);
      // Measured at close time: whole seconds from the entry's, up to the tick that closed it (its ts is exit_time).
      const to = Date.parse(t.exit_time!);
      const seen = ticks.filter((k) => Math.floor(k.ts / 1000) >= from && k.ts <= to).map((k) => k.price);
      const exc = excursionsPct(t.direction, t.entry_price, t.exit_price!, Math.max(...seen), Math.min(...seen));
      return {
        id: t.id,
        direction: t.direction,
        timeframe: t.timeframe,
        confidence: t.confidence,
        entry_price: t.entry_price,
        take_profit: t.take_profit,
        stop_loss: t.stop_loss,
        exit_price: t.exit_price!,
        profit_loss: t.profit_loss!,
        entry_time: Date.parse(t.entry_time),
        exit_time: Date.parse(t.exit_time!),
        ...exc,
      };
    });
    expect(perf.analytics).toEqual(computeSignalQuality(brute));
    expect(perf.analytics.excursions.measured).toBe(4);
    expect(perf.analytics.by_confidence['0.85-1']!.trades).toBe(1);
    // Live benchmark: every trade is on BTC here, so holding the symbol is holding BTC.
    const bench = (
      perf as unknown as {
        benchmark: { trades: number; btc_trades: number; hold_symbol_profit_loss: number; hold_btc_profit_loss: number; equity_curve: unknown[] };
      }
    ).benchmark;
    expect(bench).toMatchObject({ trades: 4, btc_trades: 4 });
    expect(bench.hold_btc_profit_loss).toBe(bench.hold_symbol_profit_loss);
    expect(bench.equity_curve).toHaveLength(4);
  });

  it('a trade that starts a symbol range is measured even when the next tick comes seconds later', async () => {
    const eth = (price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'ETHUSDT', price, ts: Date.now() }] });
    await eth(50); // no open trade on ETHUSDT yet: not kept, but it is the price in force at entry
    expect(
      await bot.timeout(5000).emitWithAck('signal', { external_id: 'sq-eth', symbol: 'ETHUSDT', direction: 'LONG', entry: 50, tp: 60, sl: 40 }),
    ).toMatchObject({ ok: true });
    await pause(1200);
    await eth(55);
    await eth(47);
    await eth(61); // take-profit
    let analytics: { excursions: { measured: number } } | undefined;
    await waitFor(
      async () => {
        const body = (await (await fetch(`${server.url}/api/public/paper-trading/performance/?symbol=ETHUSDT`)).json()) as {
          closed_trades: number;
          analytics: { excursions: { measured: number } };
        };
        analytics = body.analytics;
        // The close is committed before its event reaches the in-memory analytics: a request in
        // between sees the closed row but not yet its excursion (known race, see the issue note).
        return body.closed_trades === 1 && body.analytics.excursions.measured === 1;
      },
      10_000,
      'the ETH trade closed and measured',
    );
    expect(analytics!.excursions.measured).toBe(1);
  });
});
