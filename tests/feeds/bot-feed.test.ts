// PRICE_FEED=bot: a future-dated tick is refused (it would freeze its symbol, since older ticks are
// ignored), with a clear code and field; the batch is all-or-nothing; the symbol keeps pricing.
import { afterAll, describe, expect, it } from 'vitest';
import { BotPriceFeed, MAX_TICK_AHEAD_MS } from '../../server/feeds/bot-feed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, once } from '../helpers/sockets.ts';
import type { SnapshotJson } from '../../shared/protocol-types.ts';

const NOW = 1_800_000_000_000;

describe('BotPriceFeed', () => {
  it('refuses a batch holding a tick more than MAX_TICK_AHEAD_MS ahead, naming the tick', () => {
    const feed = new BotPriceFeed(() => NOW);
    const seen: Array<[string, number, number]> = [];
    feed.start({ tick: (s, p, ts) => seen.push([s, p, ts]) });
    const ack = feed.push({
      ticks: [
        { symbol: 'BTCUSDT', price: 1, ts: NOW },
        { symbol: 'ETHUSDT', price: 2, ts: NOW + MAX_TICK_AHEAD_MS + 1 },
      ],
    });
    expect(ack).toEqual({ ok: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('ahead of the server clock'), field: 'ticks.1.ts' } });
    expect(seen).toEqual([]);
    expect(feed.push({ ticks: [{ symbol: 'BTCUSDT', price: 1, ts: NOW + MAX_TICK_AHEAD_MS }] })).toEqual({ ok: true, accepted: 1 });
    expect(seen).toEqual([['BTCUSDT', 1, NOW + MAX_TICK_AHEAD_MS]]);
  });

  it('passes a tick’s market to the sink, none when the tick names none, and refuses an unknown market', () => {
    const feed = new BotPriceFeed(() => NOW);
    const seen: unknown[][] = [];
    feed.start({ tick: (...args) => seen.push(args) });
    expect(
      feed.push({
        ticks: [
          { symbol: 'BTCUSDT', price: 1, ts: NOW, market: 'FUTURES' },
          { symbol: 'BTCUSDT', price: 2, ts: NOW, market: 'SPOT' },
          { symbol: 'BTCUSDT', price: 3, ts: NOW },
        ],
      }),
    ).toEqual({ ok: true, accepted: 3 });
    expect(seen).toEqual([
      ['BTCUSDT', 1, NOW, 'FUTURES'],
      ['BTCUSDT', 2, NOW, 'SPOT'],
      ['BTCUSDT', 3, NOW, undefined],
    ]);
    const bad = feed.push({
      ticks: [
        { symbol: 'BTCUSDT', price: 1, ts: NOW },
        { symbol: 'BTCUSDT', price: 1, ts: NOW, market: 'PERP' },
      ],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', field: 'ticks.1.market' } });
    expect(seen).toHaveLength(3);
  });
});

describe('bot prices over /bot', () => {
  let server: TestServer;
  afterAll(async () => server?.stop());

  it('a tick dated next year is refused and the symbol keeps taking live ticks', async () => {
    server = await startTestServer();
    const bot = connectBot(server.url, server.botToken);
    await connected(bot);
    await bot.emitWithAck('signal', { external_id: 'fut-1', symbol: 'FUTUREUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50 });
    const year = 365 * 24 * 3600 * 1000;
    const refused = await bot.emitWithAck('prices', { ticks: [{ symbol: 'FUTUREUSDT', price: 150, ts: Date.now() + year }] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', field: 'ticks.0.ts' } });
    const ts = Date.now();
    expect(await bot.emitWithAck('prices', { ticks: [{ symbol: 'FUTUREUSDT', price: 101, ts }] })).toMatchObject({ ok: true });
    const viewer = connectPublic(server.url);
    const snap = await once<SnapshotJson>(viewer, 'snapshot');
    expect(snap.prices.FUTUREUSDT).toMatchObject({ price: 101, ts });
    viewer.close();
    bot.close();
  });
});
