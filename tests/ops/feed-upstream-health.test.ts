// The Binance feed's own health reaches the operator surfaces: a refused SUBSCRIBE for a public
// symbol fails /readyz (check `feed_upstream`), shows in feed health and in /metrics, and clears
// once a retry is accepted. Against the documented fake (tests/feeds/fake-binance.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { FakeBinance } from '../feeds/fake-binance.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let spot: FakeBinance;
let futures: FakeBinance;
let server: TestServer;
let bot: Socket;

beforeAll(async () => {
  spot = await FakeBinance.start({ market: 'spot' });
  futures = await FakeBinance.start({ market: 'futures' });
  spot.refuse('ethusdt@aggTrade', 1_000_000);
  server = await startTestServer({ PRICE_FEED: 'binance', BINANCE_SPOT_WS: spot.url, BINANCE_FUTURES_WS: futures.url });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
  await spot?.close();
  await futures?.close();
});

const readyz = async () => (await (await fetch(`${server.url}/readyz`)).json()) as { ready: boolean; checks: Record<string, true | string> };
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
const upstream = async () =>
  ((await (await fetch(`${server.url}/api/public/feed-health/`)).json()) as { upstream: { fault: string | null; refused: number } }).upstream;

describe('upstream feed health on /readyz, feed health and /metrics', () => {
  it('reports a refused subscription of a public symbol, then clears when a retry is accepted', { timeout: 30_000 }, async () => {
    expect((await readyz()).checks.feed_upstream).toBe(true);
    const ack: SignalAck = await bot
      .timeout(5000)
      .emitWithAck('signal', { source: 'up', symbol: 'ETHUSDT', direction: 'LONG', entry: 3000, tp: 3300, sl: 2900 });
    expect(ack.ok).toBe(true);

    await waitFor(async () => (await upstream()).refused === 1, 10_000, 'the refusal in feed health');
    const r = await readyz();
    expect(r.ready).toBe(false);
    expect(r.checks.feed_upstream).toMatch(/1 subscription\(s\) refused, retrying/);
    expect(await metric('paperbook_feed_refused_subscriptions')).toBe(1);

    spot.refuse('ethusdt@aggTrade', 0);
    await waitFor(async () => (await upstream()).refused === 0, 15_000, 'the retry accepted');
    expect((await readyz()).checks.feed_upstream).toBe(true);
    expect(await metric('paperbook_feed_refused_subscriptions')).toBe(0);
    expect(await metric('paperbook_feed_fault')).toBe(0);
  });
});
