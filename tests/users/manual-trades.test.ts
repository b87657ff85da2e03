// Manual trades over the real server: validation, market entries, own-only reads (404 for others'),
// manual close at the last price, and a TP close that shows on /me with the shared P/L, never on /public.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { profitLossAt } from '../../shared/trade-math.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';
import { call, connectMe, register, TEST_APP_OPTIONS } from './user-client.ts';

let server: TestServer;
let bot: Socket;
let a: string;
let b: string;
let ts = Date.now();

const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
const open = (token: string, body: Record<string, unknown>) => call(server.url, 'POST', '/api/paper-trades', { token, body });
const LONG = { symbol: 'BTCUSDT', direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 };

beforeAll(async () => {
  server = await startTestServer({}, { app: TEST_APP_OPTIONS });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  a = (await register(server.url, 'anna')).token;
  b = (await register(server.url, 'boris')).token;
  // Manual trades only on symbols the feed prices (PRICE_FEED=bot: what bots push): price those
  // the tests trade, at levels that trigger none of their TP/SL.
  for (const [symbol, price] of [
    ['ADAUSDT', 100],
    ['BTCUSDT', 100],
    ['DOTUSDT', 100],
    ['ETHUSDT', 100],
    ['LTCUSDT', 100],
    ['SOLUSDT', 200],
    ['AVAXUSDT', 100],
  ] as const) {
    await tick(symbol, price);
  }
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('opening', () => {
  it('stores an OPEN trade with the shared quantity and default position size', async () => {
    const r = await open(a, { ...LONG, symbol: 'ADAUSDT' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ symbol: 'ADAUSDT', status: 'OPEN', entry_price: 100, position_size: 100, quantity: 1, signal_id: null });
    const sized = await open(a, { ...LONG, symbol: 'ADAUSDT', position_size: 250, entry_price: '80', take_profit: 81, stop_loss: 79 });
    expect(sized.status).toBe(201);
    expect(sized.body.quantity).toBe(3.125);
  });

  it.each([
    [{ ...LONG, stop_loss: 101 }, 'stop_loss'],
    [{ ...LONG, take_profit: 99 }, 'take_profit'],
    [{ ...LONG, direction: 'SHORT' }, 'stop_loss'],
    [{ ...LONG, symbol: 'btc' }, 'symbol'],
    [{ ...LONG, direction: 'UP' }, 'direction'],
    [{ ...LONG, entry_price: -1 }, 'entry_price'],
    [{ ...LONG, entry_price: 'soon' }, 'entry_price'],
    [{ ...LONG, position_size: 0 }, 'position_size'],
    [{ ...LONG, position_size: 1e7 + 1 }, 'position_size'],
    [{ ...LONG, take_profit: undefined }, 'take_profit'],
    [{ ...LONG, leverage: 5 }, 'leverage'],
  ])('rejects %j naming %s', async (body, field) => {
    const r = await open(a, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
  });

  it('"market" takes the last price; with no price yet it is a clear 409 naming entry_price', async () => {
    // A symbol the feed does not price is refused whatever the entry (tradable-symbols.ts) …
    const unknown = await open(a, { ...LONG, symbol: 'NOPRICE', entry_price: 'market' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'symbol' });
    // … one a system trade holds is tradable: with no price yet, "market" is a 409.
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'noprice-1', symbol: 'NOPRICE', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    expect(ack.ok).toBe(true);
    const none = await open(a, { ...LONG, symbol: 'NOPRICE', entry_price: 'market' });
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'CONFLICT', field: 'entry_price' });
    await tick('XRPUSDT', 2.5);
    const r = await open(a, { symbol: 'XRPUSDT', direction: 'SHORT', entry_price: 'market', take_profit: 2, stop_loss: 3 });
    expect(r.status).toBe(201);
    expect(r.body.entry_price).toBe(2.5);
    // Levels are checked against the market price.
    const bad = await open(a, { symbol: 'XRPUSDT', direction: 'SHORT', entry_price: 'market', take_profit: 2.6, stop_loss: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('take_profit');
  });
});

describe('ownership', () => {
  it("another user's trade is 404 to read and to close, never 403; the owner's is untouched", async () => {
    const mine = (await open(a, { ...LONG, symbol: 'DOTUSDT' })).body;
    for (const [method, path] of [
      ['GET', `/api/paper-trades/${mine.id}`],
      ['POST', `/api/paper-trades/${mine.id}/close`],
    ] as const) {
      const r = await call(server.url, method, path, { token: b });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
      // Same answer as an id that does not exist at all.
      const missing = await call(server.url, method, path.replace(String(mine.id), '999999'), { token: b });
      expect(missing.status).toBe(404);
    }
    expect((await call(server.url, 'GET', `/api/paper-trades/${mine.id}`, { token: a })).body.status).toBe('OPEN');
    const listB = await call(server.url, 'GET', '/api/paper-trades?page_size=100', { token: b });
    expect(listB.body.results.map((t: { id: number }) => t.id)).not.toContain(mine.id);
    expect((await call(server.url, 'GET', '/api/paper-trades/abc', { token: a })).status).toBe(404);
  });

  it('lists own trades only, paginated and filtered like the public list', async () => {
    const c = (await register(server.url, 'chen')).token;
    for (const [symbol, direction] of [
      ['BTCUSDT', 'LONG'],
      ['ETHUSDT', 'LONG'],
      ['ETHUSDT', 'SHORT'],
    ] as const) {
      const body = direction === 'LONG' ? { ...LONG, symbol } : { ...LONG, symbol, direction, take_profit: 90, stop_loss: 110 };
      expect((await open(c, body)).status).toBe(201);
    }
    const all = await call(server.url, 'GET', '/api/paper-trades?page_size=2', { token: c });
    expect(all.body.count).toBe(3);
    expect(all.body.results).toHaveLength(2);
    expect(all.body.next).toContain('page=2');
    // Never the Host header: relative without PUBLIC_URL (issue 16 item 11).
    expect(all.body.next).toBe('/api/paper-trades?page_size=2&page=2');
    expect((await call(server.url, 'GET', '/api/paper-trades?symbol=ethusdt', { token: c })).body.count).toBe(2);
    expect((await call(server.url, 'GET', '/api/paper-trades?symbol=ETHUSDT&direction=SHORT', { token: c })).body.count).toBe(1);
    expect((await call(server.url, 'GET', '/api/paper-trades?status=CLOSED_TP', { token: c })).body.count).toBe(0);
    const bad = await call(server.url, 'GET', '/api/paper-trades?page_size=1000', { token: c });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('page_size');
  });
});

describe('closing', () => {
  it('closes at the last price with the shared P/L, once', async () => {
    const t = (await open(a, { ...LONG, symbol: 'LTCUSDT', entry_price: 100, take_profit: 120, stop_loss: 80, position_size: 500 })).body;
    await tick('LTCUSDT', 104.25);
    const r = await call(server.url, 'POST', `/api/paper-trades/${t.id}/close`, { token: a });
    expect(r.status).toBe(200);
    const pl = profitLossAt({ direction: 'LONG', entryPrice: 100, quantity: t.quantity, positionSize: 500 }, 104.25, 0.001);
    expect(r.body).toMatchObject({
      id: t.id,
      status: 'CLOSED_MANUAL',
      exit_price: 104.25,
      fees: pl.fees,
      profit_loss: pl.profitLoss,
      profit_loss_percentage: pl.profitLossPercentage,
    });
    const again = await call(server.url, 'POST', `/api/paper-trades/${t.id}/close`, { token: a });
    expect(again.status).toBe(409);
    expect((await call(server.url, 'GET', `/api/paper-trades/${t.id}`, { token: a })).body.status).toBe('CLOSED_MANUAL');
  });

  it('a TP crossing closes it with the shared P/L: on /me, never on /public', async () => {
    const d = await register(server.url, 'dana');
    const publicBefore = await (await fetch(`${server.url}/api/public/paper-trading/summary/`)).json();
    const me = new Recorder(connectMe(server.url, d.token));
    const pub = new Recorder(connectPublic(server.url));
    await me.until(() => me.snapshots.length === 1, 5000, 'me snapshot');
    await pub.until(() => pub.snapshots.length === 1, 5000, 'public snapshot');
    const t = (await open(d.token, { symbol: 'SOLUSDT', direction: 'SHORT', entry_price: 200, take_profit: 180, stop_loss: 210, position_size: 1000 })).body;
    await me.until(() => me.events().some((e) => e.type === 'opened' && e.trade.id === t.id), 5000, 'opened on /me');
    await tick('SOLUSDT', 179);
    await me.until(() => me.events().some((e) => e.type === 'closed' && e.trade.id === t.id), 5000, 'closed on /me');
    const closed = me.events().find((e) => e.type === 'closed' && e.trade.id === t.id)!;
    const pl = profitLossAt({ direction: 'SHORT', entryPrice: 200, quantity: t.quantity, positionSize: 1000 }, 180, 0.001);
    expect(closed.type === 'closed' && closed.trade).toMatchObject({ status: 'CLOSED_TP', exit_price: 180, profit_loss: pl.profitLoss, fees: pl.fees });
    // The /me summary counts it; prices on /me were only for SOLUSDT.
    const summary = me
      .events()
      .filter((e) => e.type === 'summary')
      .at(-1)!;
    expect(summary.type === 'summary' && summary.summary).toMatchObject({
      total_trades: 1,
      closed_trades: 1,
      profitable_trades: 1,
      total_profit_loss: pl.profitLoss,
    });
    for (const e of me.events()) if (e.type === 'prices') expect(Object.keys(e.prices)).toEqual(['SOLUSDT']);
    // Contiguous seq from the snapshot.
    me.deltas.forEach((dl, i) => expect(dl.seq).toBe(me.snapshots[0]!.seq + i + 1));
    const rest = await call(server.url, 'GET', `/api/paper-trades/${t.id}`, { token: d.token });
    expect(rest.body).toMatchObject({ status: 'CLOSED_TP', profit_loss: pl.profitLoss });
    await new Promise((r) => setTimeout(r, 100));
    expect(pub.raw.join('\n')).not.toContain(`"id":${t.id},`);
    const pubSummary = await (await fetch(`${server.url}/api/public/paper-trading/summary/`)).json();
    expect(pubSummary.performance.total_trades).toBe(publicBefore.performance.total_trades);
    // A second /me viewer of the same user gets a snapshot with the close in recent_closed.
    const again = new Recorder(connectMe(server.url, d.token));
    await again.until(() => again.snapshots.length === 1);
    expect(again.snapshots[0]!.recent_closed.map((x) => x.id)).toEqual([t.id]);
    expect(again.snapshots[0]!.open_positions).toEqual([]);
    for (const s of [me, pub, again]) s.socket.close();
  });

  it('/me answers resync with a fresh snapshot of the same epoch and current seq', async () => {
    const e = await register(server.url, 'emil');
    const me = new Recorder(connectMe(server.url, e.token));
    await me.until(() => me.snapshots.length === 1);
    const t = (await open(e.token, { ...LONG, symbol: 'AVAXUSDT' })).body;
    await me.until(() => me.deltas.length >= 1);
    me.socket.emit('resync');
    await me.until(() => me.snapshots.length === 2);
    const [first, second] = me.snapshots;
    expect(second!.epoch).toBe(first!.epoch);
    expect(second!.seq).toBe(me.deltas.at(-1)!.seq);
    expect(second!.open_positions.map((x) => x.id)).toEqual([t.id]);
    expect(second!.summary).toMatchObject({ total_trades: 1, open_trades: 1 });
    me.socket.close();
  });
});
