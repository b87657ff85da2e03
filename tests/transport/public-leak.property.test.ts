// The bug Paperbook exists to make impossible: user trades leaking into the public record.
// Interleaves system signals, user trades and ticks; after every step, no public REST response and no
// public socket frame contains, counts or is influenced by a user trade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import knex from 'knex';
import type { Socket } from 'socket.io-client';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { computePerformance, type MetricTrade } from '../../shared/metrics/index.ts';
import { tradeRowFromDb, TRADE_COLUMNS } from '../../server/persistence/rows.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';
import { call, register, TEST_APP_OPTIONS } from '../users/user-client.ts';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
let server: TestServer;
let bot: Socket;
let db: ReturnType<typeof knex>;
let viewer: Recorder;
let ticker: Recorder;
let userToken = '';
const userTradeIds = new Set<number>();
let ts = Date.now();

type Step =
  | { kind: 'signal'; symbol: number; long: boolean }
  | { kind: 'user'; symbol: number; long: boolean; size: number }
  | { kind: 'tick'; symbol: number; move: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('signal' as const), symbol: fc.nat(1), long: fc.boolean() }),
  fc.record({ kind: fc.constant('user' as const), symbol: fc.nat(1), long: fc.boolean(), size: fc.integer({ min: 10, max: 5000 }) }),
  fc.record({ kind: fc.constant('tick' as const), symbol: fc.nat(1), move: fc.integer({ min: -12, max: 12 }) }),
);

async function apply(s: Step): Promise<void> {
  const symbol = SYMBOLS[s.symbol]!;
  if (s.kind === 'signal') {
    const ack: SignalAck = await bot.timeout(5000).emitWithAck('signal', {
      external_id: `leak-${Math.random()}`,
      symbol,
      direction: s.long ? 'LONG' : 'SHORT',
      entry: 100,
      tp: s.long ? 105 : 95,
      sl: s.long ? 95 : 105,
    });
    expect(ack.ok).toBe(true);
  } else if (s.kind === 'user') {
    // A user's manual trade through the real user API: stored, then put in the same book as the system's.
    const r = await call(server.url, 'POST', '/api/paper-trades', {
      token: userToken,
      body: {
        symbol,
        direction: s.long ? 'LONG' : 'SHORT',
        entry_price: 100,
        take_profit: s.long ? 104 : 96,
        stop_loss: s.long ? 96 : 104,
        position_size: s.size,
      },
    });
    // Manual trades only on symbols the feed prices: a fresh tick, or an open system trade on it.
    if (r.status === 400 && r.body.error.field === 'symbol') {
      expect(server.app.engine.hasPublicTrades(symbol)).toBe(false);
      return;
    }
    expect(r.status).toBe(201);
    userTradeIds.add(r.body.id);
  } else {
    await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price: 100 + s.move, ts: ++ts }] });
  }
}

/** Every trade-shaped object inside a payload. */
function tradeIds(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) value.forEach((v) => tradeIds(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'number' && 'entry_price' in o) out.push(o.id);
    Object.values(o).forEach((v) => tradeIds(v, out));
  }
  return out;
}

async function systemOnlyPerformance() {
  const rows = (await db.raw(`SELECT ${TRADE_COLUMNS} FROM paper_trades WHERE user_id IS NULL`)).rows as Record<string, unknown>[];
  const trades: MetricTrade[] = rows.map((r) => {
    const t = tradeRowFromDb(r);
    return {
      id: t.id,
      symbol: t.symbol,
      direction: t.direction,
      timeframe: t.timeframe,
      market_type: t.marketType,
      status: t.status,
      entry_time: t.entryTime.getTime(),
      exit_time: t.exitTime?.getTime() ?? null,
      profit_loss: t.profitLoss,
      fees: t.fees,
    };
  });
  return computePerformance(trades, { unrealizedProfitLoss: 0 });
}

async function checkWall(): Promise<void> {
  // Let closes commit and their deltas arrive.
  await server.app.engine.flush(5000);
  await new Promise((r) => setTimeout(r, 60));
  const paths = [
    '/api/public/paper-trading/?page_size=100',
    '/api/public/paper-trading/summary/',
    '/api/public/paper-trading/open-positions/',
    '/api/public/paper-trading/performance/',
    '/api/public/paper-trading/?status=OPEN&page_size=100',
    '/api/public/paper-trading/?status=CLOSED_TP&page_size=100',
  ];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
  const bodies: Record<string, any> = {};
  for (const p of paths) bodies[p] = await (await fetch(`${server.url}${p}`)).json();
  const frames = [...viewer.raw, ...ticker.raw].map((f) => JSON.parse(f));
  for (const payload of [...Object.values(bodies), ...frames]) {
    for (const id of tradeIds(payload)) expect(userTradeIds.has(id), `user trade ${id} leaked`).toBe(false);
  }
  // Counts and statistics equal those of system trades alone.
  const expected = await systemOnlyPerformance();
  const perf = bodies['/api/public/paper-trading/performance/'];
  const summary = bodies['/api/public/paper-trading/summary/'].performance;
  for (const k of [
    'total_trades',
    'open_trades',
    'closed_trades',
    'profitable_trades',
    'losing_trades',
    'win_rate',
    'total_profit_loss',
    'total_fees',
    'max_drawdown',
  ] as const) {
    expect(perf[k], `performance.${k}`).toEqual(expected[k]);
    expect(summary[k], `summary.${k}`).toEqual(expected[k]);
  }
  expect(bodies['/api/public/paper-trading/?page_size=100'].count).toBe(expected.total_trades);
  expect(bodies['/api/public/paper-trading/open-positions/']).toHaveLength(expected.open_trades);
  // Public unrealised P/L is the sum over public open positions only.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
  const upl = bodies['/api/public/paper-trading/open-positions/'].reduce((a: number, p: any) => a + (p.unrealized_pnl ?? 0), 0);
  expect(
    Math.abs(summary.unrealized_profit_loss - upl),
    JSON.stringify({
      s: summary.unrealized_profit_loss,
      upl,
      open: bodies['/api/public/paper-trading/open-positions/'].length,
      sOpen: summary.open_trades,
      book: server.app.book.trades({}),
      prices: [...server.app.book.prices()],
    }),
  ).toBeLessThan(1e-6);
  const lastTicker = ticker.tickers.at(-1);
  if (lastTicker) expect(lastTicker.open_trades).toBeLessThanOrEqual(expected.open_trades + expected.closed_trades);
}

beforeAll(async () => {
  server = await startTestServer({ BROADCAST_INTERVAL_MS: '20' }, { app: TEST_APP_OPTIONS });
  db = knex({ client: 'pg', connection: server.db.url, pool: { min: 0, max: 2 } });
  userToken = (await register(server.url, 'alice')).token;
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  viewer = new Recorder(connectPublic(server.url));
  ticker = new Recorder(connectPublic(server.url, { channels: ['ticker'] }));
  await viewer.until(() => viewer.snapshots.length === 1);
});
afterAll(async () => {
  bot?.close();
  viewer?.socket.close();
  ticker?.socket.close();
  await db?.destroy();
  await server?.stop();
});

describe('the public/private wall', () => {
  it('no public surface contains, counts or is influenced by a user trade', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          await apply(s);
          await checkWall();
        }
      }),
      { numRuns: 12 },
    );
    // The run did exercise both sides of the wall.
    expect(userTradeIds.size).toBeGreaterThan(0);
    expect((await systemOnlyPerformance()).total_trades).toBeGreaterThan(0);
    // A fresh snapshot, taken at the end, holds no user trade either.
    const late = new Recorder(connectPublic(server.url));
    await late.until(() => late.snapshots.length === 1);
    for (const id of tradeIds(late.snapshots[0])) expect(userTradeIds.has(id)).toBe(false);
    late.socket.close();
  }, 120_000);
});
