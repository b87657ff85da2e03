import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { profitLossAt } from '../../shared/trade-math.ts';
import { StreamClient } from '../../shared/stream-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;
let ts = Date.now();

const push = (ticks: Array<[string, number]>) =>
  bot.timeout(5000).emitWithAck('prices', { ticks: ticks.map(([symbol, price]) => ({ symbol, price, ts: ++ts })) });
const send = (p: Record<string, unknown>): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal', { external_id: `e-${Math.random()}`, ...p });

beforeAll(async () => {
  server = await startTestServer({ BROADCAST_INTERVAL_MS: '50' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('/public stream', () => {
  it('sends a snapshot, then contiguous deltas of the same epoch', async () => {
    const viewer = connectPublic(server.url);
    const rec = new Recorder(viewer);
    await rec.until(() => rec.snapshots.length === 1, 5000, 'snapshot');
    const snap = rec.snapshots[0]!;
    expect(snap).toMatchObject({ seq: expect.any(Number), epoch: expect.any(String), open_positions: [], recent_closed: [] });
    expect(snap.summary.total_trades).toBe(0);

    await send({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    await push([['BTCUSDT', 101]]);
    await send({ symbol: 'ETHUSDT', direction: 'SHORT', entry: 50, tp: 40, sl: 60 });
    await push([['ETHUSDT', 49]]);
    await rec.until(() => rec.events().filter((e) => e.type === 'opened').length === 2, 5000, 'two opened');
    await rec.until(() => rec.events().some((e) => e.type === 'prices' && 'ETHUSDT' in e.prices), 5000, 'eth price');

    const seqs = rec.deltas.map((d) => d.seq);
    expect(seqs[0]).toBe(snap.seq + 1);
    seqs.forEach((s, i) => expect(s).toBe(snap.seq + 1 + i));
    expect(new Set(rec.deltas.map((d) => d.epoch))).toEqual(new Set([snap.epoch]));
    const opened = rec.events().find((e) => e.type === 'opened');
    expect(opened && opened.type === 'opened' && opened.trade.symbol).toBe('BTCUSDT');
    viewer.close();
  });

  it('coalesces prices per symbol within a broadcast interval', async () => {
    const viewer = connectPublic(server.url);
    const rec = new Recorder(viewer);
    await rec.until(() => rec.snapshots.length === 1);
    // 200 ticks in one burst → at most a few deltas, each carrying only the latest price per symbol.
    const ticks: Array<[string, number]> = [];
    for (let i = 0; i < 100; i++) ticks.push(['BTCUSDT', 100 + (i % 7) * 0.1], ['ETHUSDT', 49 + (i % 5) * 0.1]);
    ticks.push(['BTCUSDT', 102.5], ['ETHUSDT', 48.5]);
    await push(ticks);
    await rec.until(() => rec.events().some((e) => e.type === 'prices' && e.prices.BTCUSDT?.[0] === 102.5), 5000, 'last BTC price');
    const priceEvents = rec.events().filter((e) => e.type === 'prices');
    expect(priceEvents.length).toBeLessThanOrEqual(3);
    const last = priceEvents.at(-1)!;
    expect(last.type === 'prices' && last.prices).toMatchObject({ BTCUSDT: [102.5, expect.any(Number)], ETHUSDT: [48.5, expect.any(Number)] });
    viewer.close();
  });

  it('a bot price crossing TP closes the trade; the closed delta carries SPEC §2 exit price and P/L', async () => {
    const viewer = connectPublic(server.url);
    const rec = new Recorder(viewer);
    await rec.until(() => rec.snapshots.length === 1);
    const ack = await send({ symbol: 'SOLUSDT', direction: 'LONG', entry: 200, tp: 220, sl: 180 });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await push([
      ['SOLUSDT', 210],
      ['SOLUSDT', 231.7],
    ]); // gaps past TP: fills at the TP level
    await rec.until(() => rec.events().some((e) => e.type === 'closed'), 5000, 'closed');
    const events = rec.events();
    const closedIdx = events.findIndex((e) => e.type === 'closed');
    const closed = (events[closedIdx] as { trade: TradeJson }).trade;
    const expected = profitLossAt({ direction: 'LONG', entryPrice: 200, quantity: 0.5, positionSize: 100 }, 220, 0.001);
    expect(closed).toMatchObject({
      id: ack.trade_id,
      status: 'CLOSED_TP',
      exit_price: 220,
      fees: expected.fees,
      profit_loss: expected.profitLoss,
      profit_loss_percentage: expected.profitLossPercentage,
    });
    // 0.5 × 20 − 0.5 × 420 × 0.001 = 10 − 0.21 = 9.79
    expect(closed.profit_loss).toBe(9.79);
    // The crossing price travels before the close, and the summary after it.
    const pricesBefore = events.slice(0, closedIdx).some((e) => e.type === 'prices' && e.prices.SOLUSDT?.[0] === 231.7);
    expect(pricesBefore).toBe(true);
    const summary = events.slice(closedIdx).find((e) => e.type === 'summary');
    expect(summary && summary.type === 'summary' && summary.summary.closed_trades).toBe(1);
    // The database holds the same close.
    const res = await fetch(`${server.url}/api/public/paper-trading/?status=CLOSED_TP`);
    const body = (await res.json()) as { results: TradeJson[] };
    expect(body.results[0]).toMatchObject({ id: ack.trade_id, exit_price: 220, profit_loss: 9.79 });
    viewer.close();
  });

  it('a client that misses a delta detects the gap by seq and resyncs to a fresh snapshot', async () => {
    // Its own open trade, so every XRP push moves a public price and makes a delta.
    const ack = await send({ symbol: 'XRPUSDT', direction: 'LONG', entry: 1, tp: 2, sl: 0.5 });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const viewer = connectPublic(server.url);
    // Drop one delta before the stream client sees it, as a full send buffer would. The drop is
    // armed only once the client is live, so it never races the first snapshot (which can arrive
    // after a push and already carry its price).
    let armed = false;
    let dropped = 0;
    const onevent = (viewer as unknown as { onevent: (p: { data: unknown[] }) => void }).onevent.bind(viewer);
    (viewer as unknown as { onevent: (p: { data: unknown[] }) => void }).onevent = (packet) => {
      if (packet.data[0] === 'delta' && armed) {
        armed = false;
        dropped++;
        return;
      }
      onevent(packet);
    };
    const client = new StreamClient(viewer as never);
    client.start();
    const waitFor = async (ok: () => boolean, what: string) => {
      const end = Date.now() + 5000;
      while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      if (!ok()) throw new Error(`timed out waiting for ${what}`);
    };
    await waitFor(() => client.status === 'live', 'live');
    const before = client.resyncs;
    armed = true;
    await push([['XRPUSDT', 1.03]]);
    await waitFor(() => dropped === 1, 'the dropped delta');
    // The next delta's seq skips the dropped one: the client must notice and resync.
    await push([['XRPUSDT', 1.04]]);
    await waitFor(() => client.resyncs > before && client.status === 'live' && client.prices.get('XRPUSDT')?.price === 1.04, 'resync');
    expect(client.gaps).toBeGreaterThanOrEqual(1);
    expect(client.resyncs).toBeGreaterThan(before);
    expect(client.status).toBe('live');
    expect(client.prices.get('XRPUSDT')?.price).toBe(1.04);
    client.stop();
    viewer.close();
  });

  it('ticker channel receives ticker frames only', async () => {
    const w = connectPublic(server.url, { channels: ['ticker'] });
    const rec = new Recorder(w);
    await rec.until(() => rec.tickers.length >= 1, 5000, 'ticker');
    expect(rec.tickers[0]).toMatchObject({ win_rate: expect.any(Number), open_trades: expect.any(Number), closed_trades: expect.any(Number) });
    await push([['BTCUSDT', 106]]);
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.snapshots).toHaveLength(0);
    expect(rec.deltas).toHaveLength(0);
    w.close();
  });
});
