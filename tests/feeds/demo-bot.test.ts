// Demo signals (valid, volatility-scaled, close within about a minute in the simulated market) and
// the demo bot over a real socket.io server. Lives beside the feeds it is calibrated against.
import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { describe, expect, it, vi } from 'vitest';
import { signalSchema, type SignalInput } from '../../shared/signal-schema.ts';
import type { SignalAck, SnapshotJson } from '../../shared/protocol-types.ts';
import { startDemoBot } from '../../server/demo/demo-bot.ts';
import { DEMO_STYLES, buildDemoSignal } from '../../server/demo/demo-signals.ts';
import { mulberry32 } from '../../server/feeds/prng.ts';
import { SimulatedMarket } from '../../server/feeds/simulated-feed.ts';

describe('buildDemoSignal', () => {
  it('always builds a signal the server accepts, in either style', () => {
    fc.assert(
      fc.property(fc.integer(), fc.boolean(), fc.constantFrom(...DEMO_STYLES), (seed, live, style) => {
        const rand = mulberry32(seed);
        const s = buildDemoSignal({ rand, style, priceOf: (sym) => (live && sym === 'ETHUSDT' ? 3123.45 : undefined) });
        const parsed = signalSchema.safeParse(s);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        expect(s.confidence).toBeGreaterThanOrEqual(0.5);
        expect(s.confidence).toBeLessThanOrEqual(0.95);
        if (s.market_type === 'FUTURES') expect(s.leverage).toBeGreaterThanOrEqual(2);
        if (s.market_type === 'FUTURES') expect(s.leverage).toBeLessThanOrEqual(10);
        if (live) expect(s).toMatchObject({ symbol: 'ETHUSDT', entry: 3123.45 });
      }),
      { numRuns: 500 },
    );
  });

  it('the two styles are two bots: one target and short timeframes, or three targets with a breakeven stop', () => {
    const rand = mulberry32(3);
    const scalps = Array.from({ length: 200 }, () => buildDemoSignal({ rand, priceOf: () => undefined }));
    const swings = Array.from({ length: 200 }, () => buildDemoSignal({ rand, style: 'swing', priceOf: () => undefined }));
    expect(new Set(scalps.map((s) => s.source))).toEqual(new Set(['demo-scalper']));
    expect(new Set(swings.map((s) => s.source))).toEqual(new Set(['demo-swing']));
    expect(scalps.every((s) => typeof s.tp === 'number' && s.sl_mode === undefined)).toBe(true);
    const multi = swings.filter((s) => Array.isArray(s.tp));
    expect(multi.length / swings.length).toBeGreaterThan(0.9);
    for (const s of multi) expect(s).toMatchObject({ sl_mode: 'breakeven', tp: expect.any(Array) });
    expect(new Set(swings.map((s) => s.timeframe))).toEqual(new Set(['1h', '4h', '1d']));
  });

  it('mixes directions and markets, mostly SPOT', () => {
    const rand = mulberry32(1);
    const all = Array.from({ length: 400 }, () => buildDemoSignal({ rand, priceOf: () => undefined }));
    const futures = all.filter((s) => s.market_type === 'FUTURES').length / all.length;
    const longs = all.filter((s) => s.direction === 'LONG').length / all.length;
    expect(futures).toBeGreaterThan(0.1);
    expect(futures).toBeLessThan(0.4);
    expect(longs).toBeGreaterThan(0.4);
    expect(longs).toBeLessThan(0.6);
    expect(new Set(all.map((s) => s.symbol)).size).toBeGreaterThan(15);
  });

  it('sizes TP/SL so trades in the simulated market close in about 10–60 s', () => {
    const market = new SimulatedMarket({ seed: 9 });
    const last = new Map(market.nextRound().map((t) => [t.symbol, t.price]));
    const rand = mulberry32(2);
    const open: Array<{ s: SignalInput; at: number }> = [];
    const durations: number[] = [];
    for (let round = 1; round <= 4 * 60 * 20; round++) {
      if (round % 16 === 0 && round < 4 * 60 * 15) open.push({ s: buildDemoSignal({ rand, priceOf: (x) => last.get(x) }), at: round });
      for (const t of market.nextRound()) last.set(t.symbol, t.price);
      for (let i = open.length - 1; i >= 0; i--) {
        const { s, at } = open[i]!;
        const p = last.get(s.symbol)!;
        const [tp, sl] = [Number(s.tp), Number(s.sl)];
        const hit = s.direction === 'LONG' ? p >= tp || p <= sl : p <= tp || p >= sl;
        if (hit) {
          durations.push((round - at) / 4);
          open.splice(i, 1);
        }
      }
    }
    durations.sort((a, b) => a - b);
    const median = durations[Math.floor(durations.length / 2)]!;
    const p90 = durations[Math.floor(durations.length * 0.9)]!;
    expect(open.length).toBe(0);
    expect(median).toBeGreaterThanOrEqual(5);
    expect(median).toBeLessThanOrEqual(60);
    expect(p90).toBeLessThanOrEqual(180);
  });
});

describe('startDemoBot', () => {
  it('connects with its token and sends signals priced from the public stream', async () => {
    const http = createServer();
    const io = new Server(http);
    const received: SignalInput[] = [];
    io.of('/bot').use((socket, next) => (socket.handshake.auth.token === 'demo-token-1' ? next() : next(new Error('unauthorized'))));
    io.of('/bot').on('connection', (socket) => {
      socket.on('signal', (s: SignalInput, ack: (r: SignalAck) => void) => {
        received.push(s);
        ack({ ok: true, signal_id: received.length, trade_id: received.length, duplicate: false });
      });
    });
    io.of('/public').on('connection', (socket) => {
      const prices: SnapshotJson['prices'] = {};
      for (const sym of ['BTCUSDT', 'SOLUSDT']) prices[sym] = { price: sym === 'BTCUSDT' ? 90_000 : 150, ts: Date.now() };
      socket.emit('snapshot', { epoch: 'e', seq: 0, server_time: '', summary: {} as SnapshotJson['summary'], open_positions: [], recent_closed: [], prices });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const bot = startDemoBot({ url, token: 'demo-token-1', log: pino({ level: 'silent' }), seed: 5, intervalMs: 40 });
    try {
      await bot.ready;
      await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(5), { timeout: 5000 });
      for (const s of received) {
        expect(signalSchema.safeParse(s).success).toBe(true);
        expect(s.external_id).toBeTruthy();
      }
      const late = received.slice(2);
      expect(late.every((s) => (s.symbol === 'BTCUSDT' && s.entry === 90_000) || (s.symbol === 'SOLUSDT' && s.entry === 150))).toBe(true);
      expect(bot.stats.sent).toBeGreaterThanOrEqual(5);
    } finally {
      bot.stop();
      await io.close();
    }
    const n = received.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(received.length).toBe(n);
  });
});
