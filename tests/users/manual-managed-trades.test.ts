// Manual trades with a signal's plan (SPEC §9) on the real server and PostgreSQL: several targets
// with shares, a breakeven stop, a trailing stop, validated with the field named. Fills reach the
// owner's /me stream as `updated` and `closed`; nothing of them reaches /public, the public REST
// record or the ledger (the symbol is one no system trade holds, so its prices are private too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { DeltaEvent, TradeJson } from '../../shared/protocol-types.ts';
import { legMoney, sumMoney } from '../../shared/leg-math.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';
import { call, connectMe, register, TEST_APP_OPTIONS } from './user-client.ts';

const FEE = 0.001;
/** Held by no system trade in this file: its prices never become public. */
const PRIVATE = 'PRIVUSDT';
/** Where the system trade lives, so the public stream has something to carry. */
const PUBLIC = 'BTCUSDT';
const FEED_HEALTH = '/api/public/feed-health/';

let server: TestServer;
let bot: Socket;
/** A user for the refusals (none of them opens a trade). */
let validator = '';
let ts = Date.now();

const tick = async (symbol: string, price: number): Promise<void> => {
  ts += 1000;
  await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts }] });
};
const open = (token: string, body: Record<string, unknown>) => call(server.url, 'POST', '/api/paper-trades', { token, body });
const LONG = { symbol: PRIVATE, direction: 'LONG', entry_price: 100, take_profit: [110, 120, 130], stop_loss: 90 };
const money = (q: number, price: number) => legMoney({ direction: 'LONG', entryPrice: 100 }, q, price, FEE);
const eventOf = (r: Recorder, id: number, type: DeltaEvent['type']): TradeJson | undefined => {
  const e = r.events().find((x) => x.type === type && 'trade' in x && x.trade.id === id);
  return e && 'trade' in e ? e.trade : undefined;
};

/** The user's open trade as a fresh /me snapshot has it (the engine's live state). */
async function liveTrade(token: string, id: number): Promise<TradeJson | undefined> {
  const me = new Recorder(connectMe(server.url, token));
  try {
    await me.until(() => me.snapshots.length === 1, 5000, '/me snapshot');
    return me.snapshots[0]!.open_positions.find((t) => t.id === id);
  } finally {
    me.socket.close();
  }
}

async function json(path: string): Promise<unknown> {
  const r = await fetch(`${server.url}${path}`);
  expect(r.status, path).toBe(200);
  return r.json();
}

/** Every public REST read of the record, as text: lists (with filters), summary, open positions, performance, feed health. */
async function publicRest(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of [
    '/api/public/paper-trading/?page_size=100',
    `/api/public/paper-trading/?symbol=${PRIVATE}`,
    '/api/public/paper-trading/?status=CLOSED_SL&page_size=100',
    '/api/public/paper-trading/?status=OPEN&page_size=100',
    '/api/public/paper-trading/summary/',
    '/api/public/paper-trading/open-positions/',
    '/api/public/paper-trading/performance/',
    `/api/public/paper-trading/performance/?symbol=${PRIVATE}`,
    FEED_HEALTH,
  ]) {
    out[p] = JSON.stringify(await json(p));
  }
  return out;
}

/** The public REST record holds nothing of trade `id`, and reads as it did `before` (same system prices). */
function expectSameRecord(now: Record<string, string>, before: Record<string, string>, id: number): void {
  for (const [path, body] of Object.entries(now)) {
    expect(body, path).not.toContain(PRIVATE);
    expect(body, path).not.toContain(`"id":${id},`);
    if (path === FEED_HEALTH) {
      // Ages and rates move with the clock: the symbols listed are what must not change.
      const symbols = (b: string) => (JSON.parse(b) as { symbols: Array<{ symbol: string }> }).symbols.map((x) => x.symbol);
      expect(symbols(body)).toEqual(symbols(before[path]!));
      expect(symbols(body)).toEqual([PUBLIC]);
    } else expect(JSON.parse(body), path).toEqual(JSON.parse(before[path]!));
  }
}

/** The whole public ledger, page by page. */
async function ledger(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let after = 0; ;) {
    const page = (await json(`/api/public/ledger/?after=${after}&limit=1000`)) as { results: Array<Record<string, unknown>>; next_after: number | null };
    out.push(...page.results);
    if (page.next_after === null) return out;
    after = page.next_after;
  }
}

beforeAll(async () => {
  server = await startTestServer({}, { app: TEST_APP_OPTIONS });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  // PRICE_FEED=bot: a symbol is tradable once the bot prices it.
  await tick(PRIVATE, 100);
  validator = (await register(server.url, 'validator')).token;
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('manual trades take the plan a signal does (SPEC §9)', () => {
  it.each([
    [{ take_profit: [110, 105] }, 'take_profit', 'target 2 must be above target 1'],
    [{ take_profit: [95, 110] }, 'take_profit', 'LONG needs take_profit > entry_price'],
    [{ take_profit: [110, 110] }, 'take_profit', 'target 2 must be above target 1'],
    [{ direction: 'SHORT', stop_loss: 110, take_profit: [90, 95] }, 'take_profit', 'target 2 must be below target 1'],
    [{ take_profit: [] }, 'take_profit', '1 to 10 targets'],
    [{ take_profit: Array.from({ length: 11 }, (_, i) => 101 + i) }, 'take_profit', '1 to 10 targets'],
    [{ take_profit: [110, 'x'] }, 'take_profit.1', ''],
    [{ tp_allocation: [0.5, 0.5] }, 'tp_allocation', 'needs 3 shares'],
    [{ tp_allocation: [0.5, 0.3, 0.3] }, 'tp_allocation', 'sum to 1'],
    [{ tp_allocation: [0.5, 0.6, -0.1] }, 'tp_allocation', 'share 3 must be a positive number'],
    [{ take_profit: 110, tp_allocation: [0.5, 0.5] }, 'tp_allocation', 'needs 1 share'],
    [{ sl_mode: 'sometimes' }, 'sl_mode', ''],
    [{ trailing_stop: { callback_rate: 0.5 } }, 'trailing_stop.callback_rate', 'at most 0.2'],
    [{ trailing_stop: { callback_rate: 0.0001 } }, 'trailing_stop.callback_rate', 'at least 0.001'],
    [{ trailing_stop: { callback_rate: 0.05, activation_price: -1 } }, 'trailing_stop.activation_price', ''],
    [{ trailing_stop: { callback_rate: 0.05, step: 1 } }, 'trailing_stop', ''],
    [{ stop_loss: 101 }, 'stop_loss', 'LONG needs stop_loss < entry_price'],
  ])('refuses %j naming %s', async (change, field, message) => {
    const r = await open(validator, { ...LONG, ...change });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect(r.body.error.message).toContain(message);
  });

  it('checks a market entry’s targets against the market price, naming the field', async () => {
    const { token } = await register(server.url, 'market_plan');
    // PRIVATE is at 100: 105 is below the first target, and 125 is past it.
    const bad = await open(token, { ...LONG, entry_price: 'market', take_profit: [99, 120] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'take_profit' });
    expect(bad.body.error.message).toContain('(market price 100)');
    const ok = await open(token, { ...LONG, entry_price: 'market', take_profit: [105, 125], tp_allocation: [0.75, 0.25] });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      entry_price: 100,
      take_profit: 125,
      targets: [
        { level: 105, share: 0.75 },
        { level: 125, share: 0.25 },
      ],
    });
    expect((await call(server.url, 'POST', `/api/paper-trades/${ok.body.id}/close`, { token })).status).toBe(200);
  });

  it('a single-number take_profit is the plain trade it always was: one target, a fixed stop, the OpenBook', async () => {
    const { token, user_id: userId } = await register(server.url, 'plain_user');
    const r = await open(token, { symbol: PRIVATE, direction: 'SHORT', entry_price: 100, take_profit: 90, stop_loss: 110, position_size: 200 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      take_profit: 90,
      stop_loss: 110,
      quantity: 2,
      targets: [{ level: 90, share: 1, filled_at: null }],
      legs: [],
      remaining_quantity: 2,
      initial_stop_loss: 110,
      sl_mode: 'fixed',
      trailing_stop: null,
      exit_reason: null,
    });
    // Decided by the plain book, as before §9 (a managed trade is not in it).
    expect(server.app.book.trades({ userId }).map((t) => t.id)).toContain(r.body.id);
    expect((await call(server.url, 'GET', `/api/paper-trades/${r.body.id}`, { token })).body).toEqual(r.body);
    const closed = await call(server.url, 'POST', `/api/paper-trades/${r.body.id}/close`, { token });
    expect(closed.body).toMatchObject({ status: 'CLOSED_MANUAL', legs: [{ kind: 'MANUAL', quantity: 2 }], exit_reason: 'MANUAL' });
  });

  it('a trailing stop on a manual trade trails the best price and closes it as TRAILING', async () => {
    const { token } = await register(server.url, 'trail_user');
    const me = new Recorder(connectMe(server.url, token));
    await me.until(() => me.snapshots.length === 1, 5000, '/me snapshot');
    const r = await open(token, {
      symbol: PRIVATE,
      direction: 'LONG',
      entry_price: 100,
      take_profit: 200,
      stop_loss: 80,
      trailing_stop: { callback_rate: 0.1 },
    });
    expect(r.status).toBe(201);
    expect(r.body.trailing_stop).toEqual({ callback_rate: 0.1, activation_price: null, best_price: null, level: null });
    await tick(PRIVATE, 150);
    // The trailing stop moves without a fill: the live trade (a /me snapshot) shows it.
    await waitFor(async () => (await liveTrade(token, r.body.id))?.stop_loss === 135, 5000, 'trailing stop at 135');
    expect(await liveTrade(token, r.body.id)).toMatchObject({ trailing_stop: { callback_rate: 0.1, best_price: 150, level: 135 } });
    await tick(PRIVATE, 134);
    await me.until(() => eventOf(me, r.body.id, 'closed') !== undefined, 5000, 'trailing close on /me');
    expect(eventOf(me, r.body.id, 'closed')).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'TRAILING', exit_price: 134, remaining_quantity: 0 });
    me.socket.close();
  });

  it('three targets with breakeven: TP1 and the moved stop reach /me as legs; /public, the public REST and the ledger see nothing', async () => {
    // A system trade on another symbol, so the public stream carries deltas throughout; its price never moves.
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'sys-1', symbol: PUBLIC, direction: 'LONG', entry: 100, tp: 200, sl: 50 });
    expect(ack.ok).toBe(true);
    await tick(PUBLIC, 100);
    await server.app.engine.flush(5000);

    const viewer = new Recorder(connectPublic(server.url));
    await viewer.until(() => viewer.snapshots.length === 1, 5000, 'public snapshot');
    const restBefore = await publicRest();
    const ledgerBefore = await ledger();

    await tick(PRIVATE, 100);
    const { token, user_id: userId } = await register(server.url, 'managed_user');
    const me = new Recorder(connectMe(server.url, token));
    await me.until(() => me.snapshots.length === 1, 5000, '/me snapshot');
    const r = await open(token, { ...LONG, sl_mode: 'breakeven', position_size: 300 });
    expect(r.status).toBe(201);
    const id: number = r.body.id;
    expect(r.body).toMatchObject({
      status: 'OPEN',
      quantity: 3,
      take_profit: 130,
      stop_loss: 90,
      initial_stop_loss: 90,
      sl_mode: 'breakeven',
      remaining_quantity: 3,
      legs: [],
      targets: [
        { level: 110, share: 1 / 3, filled_at: null },
        { level: 120, share: 1 / 3, filled_at: null },
        { level: 130, share: 1 / 3, filled_at: null },
      ],
    });
    // Managed, not in the plain book.
    expect(server.app.book.trades({ userId }).map((t) => t.id)).not.toContain(id);
    await me.until(() => eventOf(me, id, 'opened') !== undefined, 5000, 'opened on /me');

    // TP1: one third at 110, and the stop moves to entry.
    await tick(PRIVATE, 111);
    await me.until(() => eventOf(me, id, 'updated') !== undefined, 5000, 'TP1 on /me');
    const tp1 = money(1, 110);
    const afterTp1 = eventOf(me, id, 'updated')!;
    expect(afterTp1).toMatchObject({ status: 'OPEN', stop_loss: 100, initial_stop_loss: 90, remaining_quantity: 2, exit_reason: 'TP1' });
    expect(afterTp1.legs).toEqual([{ kind: 'TP1', price: 110, quantity: 1, time: afterTp1.legs[0]!.time, fees: tp1.fees, profit_loss: tp1.profitLoss }]);
    expect(afterTp1.realized_profit_loss).toBe(tp1.profitLoss);
    expect(afterTp1.targets.map((t) => t.filled_at !== null)).toEqual([true, false, false]);
    const stored = (await call(server.url, 'GET', `/api/paper-trades/${id}`, { token })).body as TradeJson;
    expect(stored).toMatchObject({ stop_loss: 100, remaining_quantity: 2, legs: afterTp1.legs });
    // While it is open with a filled leg, the public record is what it was (no open P/L, no realised leg).
    await server.app.engine.flush(5000);
    expectSameRecord(await publicRest(), restBefore, id);

    // Below entry: the breakeven stop (a fixed one at 90 would not), gapped to 99.
    await tick(PRIVATE, 99);
    await me.until(() => eventOf(me, id, 'closed') !== undefined, 5000, 'close on /me');
    const closed = eventOf(me, id, 'closed')!;
    const sl = money(2, 99);
    expect(closed.legs.map((l) => [l.kind, l.price, l.quantity])).toEqual([
      ['TP1', 110, 1],
      ['SL', 99, 2],
    ]);
    expect(sumMoney(closed.legs.map((l) => l.quantity))).toBe(closed.quantity);
    expect(closed).toMatchObject({
      status: 'CLOSED_SL',
      exit_reason: 'SL',
      exit_price: 99,
      remaining_quantity: 0,
      fees: sumMoney([tp1.fees, sl.fees]),
      profit_loss: sumMoney([tp1.profitLoss, sl.profitLoss]),
    });
    expect((await call(server.url, 'GET', `/api/paper-trades/${id}`, { token })).body).toMatchObject({ status: 'CLOSED_SL', legs: closed.legs });
    // The owner's figures count it.
    const mySummary = me
      .events()
      .filter((e) => e.type === 'summary')
      .at(-1);
    expect(mySummary?.type === 'summary' && mySummary.summary).toMatchObject({ closed_trades: 1, total_profit_loss: closed.profit_loss });

    // Everything the user's trade caused is out; a later public price goes out after it, so any
    // frame it had caused on /public has arrived by the time that price has.
    await server.app.engine.flush(5000);
    await tick(PUBLIC, 100.5);
    await viewer.until(() => viewer.events().some((e) => e.type === 'prices' && e.prices[PUBLIC]?.[0] === 100.5), 5000, 'the later public price');
    const frames = viewer.raw.join('\n');
    expect(frames).not.toContain(PRIVATE);
    expect(frames).not.toContain(`"id":${id},`);
    expect(viewer.events().filter((e) => e.type === 'updated')).toEqual([]);
    expect(viewer.events().filter((e) => e.type === 'opened' || e.type === 'closed')).toEqual([]);
    // Summaries on /public moved only with the system trade's price.
    for (const e of viewer.events()) {
      if (e.type === 'summary') expect(e.summary).toMatchObject({ total_trades: 1, closed_trades: 0, open_trades: 1, open_realized_profit_loss: 0 });
    }

    // REST: the same answers as before the user traded, bar the system trade's new price.
    await tick(PUBLIC, 100);
    await server.app.engine.flush(5000);
    expectSameRecord(await publicRest(), restBefore, id);

    // The ledger: not one entry more, none naming the trade or its symbol.
    const ledgerAfter = await ledger();
    expect(ledgerAfter).toEqual(ledgerBefore);
    expect(ledgerBefore.length).toBeGreaterThan(0); // the system trade's signal and opening are there
    expect(JSON.stringify(ledgerAfter)).not.toContain(PRIVATE);
    viewer.socket.close();
    me.socket.close();
  });
});
