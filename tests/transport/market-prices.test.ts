// One price per market (SPEC §10, issue 17 §2): a symbol held as SPOT and as FUTURES is priced per
// market. A futures tick moves only the futures trade (TP/SL decided on futures prices), a spot tick
// only the spot one, a tick naming no market both; /public carries both keys (`BTCUSDT`, `BTCUSDT.P`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { OpenPositionJson, TradeJson } from '../../shared/protocol-types.ts';
import type { TestServer } from '../helpers/server.ts';
import { connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';
import { startWithBotAndViewer, type BotAndViewer } from '../helpers/bot-and-viewer.ts';

let server: TestServer;
let bot: Socket;
let viewer: Recorder;
let ts = Date.now();
const tick = async (symbol: string, price: number, market?: 'SPOT' | 'FUTURES') => {
  const ack = await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts, ...(market ? { market } : {}) }] });
  expect(ack).toMatchObject({ ok: true });
};
const signal = async (external_id: string, market_type: 'SPOT' | 'FUTURES', symbol = 'BTCUSDT') => {
  const ack = await bot.timeout(5000).emitWithAck('signal', { external_id, symbol, direction: 'LONG', entry: 100, tp: 110, sl: 90, market_type });
  expect(ack.ok).toBe(true);
  return ack.trade_id as number;
};
const base = () => `${server.url}/api/public/paper-trading`;
const open = async () => (await (await fetch(`${base()}/open-positions/`)).json()) as OpenPositionJson[];
const priceOf = async (id: number) => (await open()).find((t) => t.id === id)?.current_price ?? null;
const trade = async (id: number) => ((await (await fetch(`${base()}/`)).json()) as { results: TradeJson[] }).results.find((t) => t.id === id)!;
const pricedDeltas = (key: string) =>
  viewer
    .events()
    .filter((e) => e.type === 'prices' && key in e.prices)
    .map((e) => (e.type === 'prices' ? e.prices[key]![0] : NaN));

let harness: BotAndViewer | undefined;
beforeAll(async () => {
  harness = await startWithBotAndViewer();
  ({ server, bot, viewer } = harness);
});
afterAll(async () => harness?.stop());

describe('prices per market', () => {
  let spot: number;
  let fut: number;

  it('a tick naming no market prices both, and /public carries both keys', async () => {
    spot = await signal('btc-spot', 'SPOT');
    fut = await signal('btc-fut', 'FUTURES');
    await tick('BTCUSDT', 101);
    await waitFor(async () => (await priceOf(spot)) === 101 && (await priceOf(fut)) === 101, 5000, 'both priced at 101');
    await viewer.until(() => pricedDeltas('BTCUSDT').includes(101) && pricedDeltas('BTCUSDT.P').includes(101), 5000, 'both keys in deltas');
  });

  it('a futures tick moves only the futures trade, a spot tick only the spot one', async () => {
    await tick('BTCUSDT', 105, 'FUTURES');
    await waitFor(async () => (await priceOf(fut)) === 105, 5000, 'futures at 105');
    expect(await priceOf(spot)).toBe(101);
    await tick('BTCUSDT', 103, 'SPOT');
    await waitFor(async () => (await priceOf(spot)) === 103, 5000, 'spot at 103');
    expect(await priceOf(fut)).toBe(105);
    await viewer.until(() => pricedDeltas('BTCUSDT.P').includes(105) && pricedDeltas('BTCUSDT').includes(103), 5000, 'per-market deltas');
    expect(pricedDeltas('BTCUSDT')).not.toContain(105);
    expect(pricedDeltas('BTCUSDT.P')).not.toContain(103);

    const late = new Recorder(connectPublic(server.url));
    await late.until(() => late.snapshots.length === 1);
    expect(late.snapshots[0]!.prices).toMatchObject({ BTCUSDT: { price: 103 }, 'BTCUSDT.P': { price: 105 } });
    // The page's P/L (shared stream state) follows the trade's own market's price.
    const positions = late.snapshots[0]!.open_positions;
    expect(positions.find((t) => t.id === fut)?.market_type).toBe('FUTURES');
    late.socket.close();
  });

  it('TP/SL are decided on the trade’s own market’s prices', async () => {
    // Futures through TP: only the futures trade closes, at its TP; spot stays open.
    await tick('BTCUSDT', 111, 'FUTURES');
    await waitFor(async () => (await trade(fut)).status === 'CLOSED_TP', 5000, 'futures TP');
    expect((await trade(spot)).status).toBe('OPEN');
    expect(await priceOf(spot)).toBe(103);
    // Spot gapping through SL: the spot trade closes at the spot tick (a LONG's SL fills at the worse price).
    await tick('BTCUSDT', 89, 'SPOT');
    await waitFor(async () => (await trade(spot)).status === 'CLOSED_SL', 5000, 'spot SL');
    expect((await trade(spot)).exit_price).toBe(89);
    expect((await trade(fut)).exit_price).toBe(110);
  });

  it('a futures key is public only while a FUTURES system trade holds it', async () => {
    await signal('eth-spot', 'SPOT', 'ETHUSDT');
    await tick('ETHUSDT', 100);
    await tick('ETHUSDT', 100.5, 'FUTURES');
    await viewer.until(() => pricedDeltas('ETHUSDT').includes(100), 5000, 'ETH spot price');
    const late = new Recorder(connectPublic(server.url));
    await late.until(() => late.snapshots.length === 1);
    expect(Object.keys(late.snapshots[0]!.prices)).toContain('ETHUSDT');
    for (const frame of [...viewer.raw, ...late.raw]) expect(frame).not.toContain('ETHUSDT.P');
    late.socket.close();
  });
});
