// ENTRY_MODE=touch (PENDING until the price touches entry; CANCELLED if TP/SL is crossed first) and
// signal expiry (open → CLOSED_EXPIRED at the last price, pending → CANCELLED). SPEC §2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { profitLossAt } from '../../shared/trade-math.ts';
import { startTestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';

let ts = Date.now();

async function setup(env: Record<string, string>) {
  const server = await startTestServer(env);
  const bot = connectBot(server.url, server.botToken);
  await connected(bot);
  const viewer = new Recorder(connectPublic(server.url));
  await viewer.until(() => viewer.snapshots.length === 1);
  const send = (p: Record<string, unknown>): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal', { external_id: `t-${Math.random()}`, ...p });
  const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
  const trade = async (id: number): Promise<TradeJson> => {
    const list = (await (await fetch(`${server.url}/api/public/paper-trading/?page_size=100`)).json()) as { results: TradeJson[] };
    return list.results.find((t) => t.id === id)!;
  };
  const stop = async () => {
    bot.close();
    viewer.socket.close();
    await server.stop();
  };
  return { server, send, tick, trade, viewer, stop };
}

describe('ENTRY_MODE=touch', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ ENTRY_MODE: 'touch' });
  });
  afterAll(() => s?.stop());

  it('waits PENDING, opens when the price touches entry, then closes on TP with P/L from entry', async () => {
    await s.tick('BTCUSDT', 105);
    const ack = await s.send({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const id = ack.trade_id!;
    expect((await s.trade(id)).status).toBe('PENDING');
    await s.tick('BTCUSDT', 102);
    expect((await s.trade(id)).status).toBe('PENDING');
    await s.tick('BTCUSDT', 99.5); // crosses the entry from above: filled at 100
    await waitFor(async () => (await s.trade(id)).status === 'OPEN', 5000, 'activation');
    await s.tick('BTCUSDT', 111);
    await waitFor(async () => (await s.trade(id)).status === 'CLOSED_TP', 5000, 'TP');
    const closed = await s.trade(id);
    const expected = profitLossAt({ direction: 'LONG', entryPrice: 100, quantity: 1, positionSize: 100 }, 110, 0.001);
    expect(closed).toMatchObject({ entry_price: 100, exit_price: 110, profit_loss: expected.profitLoss });
    const opened = s.viewer
      .events()
      .filter((e) => e.type === 'opened' && e.trade.id === id)
      .map((e) => (e as { trade: TradeJson }).trade.status);
    expect(opened).toEqual(['PENDING', 'OPEN']);
  });

  it('is CANCELLED when TP or SL is crossed before the entry is touched, and counts in total_trades only', async () => {
    await s.tick('ETHUSDT', 95);
    const ack = await s.send({ symbol: 'ETHUSDT', direction: 'SHORT', entry: 100, tp: 90, sl: 110 });
    if (!ack.ok) throw new Error('signal failed');
    const before = (await (await fetch(`${s.server.url}/api/public/paper-trading/summary/`)).json()) as {
      performance: { total_trades: number; closed_trades: number };
    };
    await s.tick('ETHUSDT', 89); // TP level crossed while still waiting to rise to 100
    await waitFor(async () => (await s.trade(ack.trade_id!)).status === 'CANCELLED', 5000, 'cancel');
    const after = (await (await fetch(`${s.server.url}/api/public/paper-trading/summary/`)).json()) as {
      performance: { total_trades: number; closed_trades: number; open_trades: number };
    };
    expect(after.performance.total_trades).toBe(before.performance.total_trades);
    expect(after.performance.closed_trades).toBe(before.performance.closed_trades);
    const t = await s.trade(ack.trade_id!);
    expect(t.profit_loss).toBe(0);
    expect(t.fees).toBe(0);
  });

  it('a pending trade whose signal expires is CANCELLED', async () => {
    await s.tick('SOLUSDT', 210);
    const ack = await s.send({ symbol: 'SOLUSDT', direction: 'LONG', entry: 200, tp: 220, sl: 180, expires_at: new Date(Date.now() + 800).toISOString() });
    if (!ack.ok) throw new Error('signal failed');
    await waitFor(async () => (await s.trade(ack.trade_id!)).status === 'CANCELLED', 8000, 'expiry cancel');
  });
});

describe('expires_at in signal mode', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({});
  });
  afterAll(() => s?.stop());

  it('closes the open trade CLOSED_EXPIRED at the last price', async () => {
    const ack = await s.send({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, expires_at: Date.now() + 800 });
    if (!ack.ok) throw new Error('signal failed');
    await s.tick('BTCUSDT', 101);
    await waitFor(async () => (await s.trade(ack.trade_id!)).status === 'CLOSED_EXPIRED', 8000, 'expiry');
    const t = await s.trade(ack.trade_id!);
    const expected = profitLossAt({ direction: 'LONG', entryPrice: 100, quantity: 1, positionSize: 100 }, 101, 0.001);
    expect(t).toMatchObject({ exit_price: 101, profit_loss: expected.profitLoss });
    expect(s.viewer.events().some((e) => e.type === 'closed' && e.trade.id === ack.trade_id && e.trade.status === 'CLOSED_EXPIRED')).toBe(true);
  });
});
