import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';

let server: TestServer;
let bot: Socket;
let ts = Date.now();
const get = async (path: string) => {
  const r = await fetch(`${server.url}${path}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
  return { status: r.status, headers: r.headers, body: (await r.json()) as any };
};
const send = (p: Record<string, unknown>): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal', { external_id: `r-${Math.random()}`, ...p });
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

beforeAll(async () => {
  server = await startTestServer();
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  // 25 trades: 10 BTC LONG (5 will win), 10 ETH SHORT (5 will lose), 5 SOL FUTURES open.
  for (let i = 0; i < 10; i++) await send({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110 + i, sl: 90, timeframe: '4h' });
  for (let i = 0; i < 10; i++) await send({ symbol: 'ETHUSDT', direction: 'SHORT', entry: 50, tp: 40, sl: 55 + i, timeframe: '15m' });
  for (let i = 0; i < 5; i++) await send({ symbol: 'SOLUSDT', direction: 'LONG', entry: 200, tp: 300, sl: 100, market_type: 'FUTURES', leverage: 5 });
  await tick('BTCUSDT', 114.5); // closes BTC trades with tp 110..114 (5 wins)
  await tick('ETHUSDT', 59.5); // closes ETH trades with sl 55..59 (5 losses)
  await tick('SOLUSDT', 210);
  const until = Date.now() + 5000;
  while ((await get('/api/public/paper-trading/summary/')).body.performance.closed_trades < 10 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
});

describe('public REST', () => {
  it('lists system trades newest first with DRF pagination', async () => {
    const p1 = await get('/api/public/paper-trading/?page_size=10');
    expect(p1.status).toBe(200);
    expect(p1.headers.get('access-control-allow-origin')).toBe('*');
    expect(p1.body.count).toBe(25);
    expect(p1.body.results).toHaveLength(10);
    expect(p1.body.previous).toBeNull();
    expect(p1.body.next).toContain('page=2');
    const times = p1.body.results.map((t: TradeJson) => Date.parse(t.entry_time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const p3 = await get('/api/public/paper-trading/?page_size=10&page=3');
    expect(p3.body.results).toHaveLength(5);
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).toContain('page=2');
    const ids = new Set(
      [...p1.body.results, ...(await get('/api/public/paper-trading/?page_size=10&page=2')).body.results, ...p3.body.results].map((t: TradeJson) => t.id),
    );
    expect(ids.size).toBe(25);
  });

  it('filters by status, symbol, direction, market_type and timeframe, and orders', async () => {
    expect((await get('/api/public/paper-trading/?status=CLOSED_TP')).body.count).toBe(5);
    expect((await get('/api/public/paper-trading/?status=CLOSED_SL')).body.count).toBe(5);
    expect((await get('/api/public/paper-trading/?status=OPEN')).body.count).toBe(15);
    expect((await get('/api/public/paper-trading/?symbol=ethusdt')).body.count).toBe(10);
    expect((await get('/api/public/paper-trading/?direction=SHORT')).body.count).toBe(10);
    expect((await get('/api/public/paper-trading/?market_type=FUTURES')).body.count).toBe(5);
    expect((await get('/api/public/paper-trading/?timeframe=15m')).body.count).toBe(10);
    const byPl = (await get('/api/public/paper-trading/?status=CLOSED_TP&ordering=-profit_loss')).body.results as TradeJson[];
    const pls = byPl.map((t) => t.profit_loss!);
    expect(pls).toEqual([...pls].sort((a, b) => b - a));
    const asc = (await get('/api/public/paper-trading/?status=CLOSED_SL&ordering=profit_loss')).body.results as TradeJson[];
    expect(asc.map((t) => t.profit_loss!)).toEqual(asc.map((t) => t.profit_loss!).sort((a, b) => a - b));
  });

  it('rejects bad query values with a field', async () => {
    for (const [q, field] of [
      ['page=0', 'page'],
      ['page_size=101', 'page_size'],
      ['status=WON', 'status'],
      ['ordering=id', 'ordering'],
      ['symbol=b$', 'symbol'],
    ]) {
      const r = await get(`/api/public/paper-trading/?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
  });

  it('summary matches the trades', async () => {
    const { body } = await get('/api/public/paper-trading/summary/');
    expect(body.performance).toMatchObject({ total_trades: 25, open_trades: 15, closed_trades: 10, profitable_trades: 5, losing_trades: 5, win_rate: 50 });
    expect(body.open_trades_count).toBe(15);
    expect(body.recent_closed_trades).toHaveLength(10);
  });

  it('open positions carry the live price and unrealised P/L', async () => {
    const { body } = await get('/api/public/paper-trading/open-positions/');
    expect(body).toHaveLength(15);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
    const sol = body.find((t: any) => t.symbol === 'SOLUSDT');
    // q = 100 × 5 / 200 = 2.5; 2.5 × (210 − 200) − 2.5 × 410 × 0.001 = 25 − 1.025 = 23.975
    expect(sol).toMatchObject({ current_price: 210, unrealized_pnl: 23.975, unrealized_pnl_percentage: 23.975, leverage: 5 });
  });

  it('performance has every SPEC §3 metric and honours filters', async () => {
    const { body } = await get('/api/public/paper-trading/performance/');
    for (const k of [
      'total_trades',
      'open_trades',
      'closed_trades',
      'profitable_trades',
      'losing_trades',
      'breakeven_trades',
      'win_rate',
      'total_profit_loss',
      'avg_profit_loss',
      'best_trade',
      'worst_trade',
      'avg_win',
      'avg_loss',
      'profit_factor',
      'expectancy',
      'max_drawdown',
      'avg_duration_hours',
      'unrealized_profit_loss',
      'total_fees',
      'by_symbol',
      'by_direction',
      'by_timeframe',
      'equity_curve',
    ]) {
      expect(body, k).toHaveProperty(k);
    }
    expect(body.by_symbol.BTCUSDT.profitable_trades).toBe(5);
    expect(body.equity_curve.length).toBeGreaterThan(0);
    const shorts = (await get('/api/public/paper-trading/performance/?direction=SHORT')).body;
    expect(shorts).toMatchObject({ total_trades: 10, losing_trades: 5, win_rate: 0 });
    expect((await get('/api/public/paper-trading/performance/?days=abc')).status).toBe(400);
  });

  it('answers 404, 405 and 413 as JSON', async () => {
    const nf = await get('/api/nope');
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe('NOT_FOUND');
    const wrong = await fetch(`${server.url}/api/public/paper-trading/summary/`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    const big = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const badJson = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.botToken}` },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
  });

  it('health, readiness and Prometheus metrics', async () => {
    expect((await get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    const m = await (await fetch(`${server.url}/metrics`)).text();
    expect(m).toMatch(/paperbook_open_trades 15/);
    expect(m).toMatch(/paperbook_signals_total\{result="created"\} 25/);
    expect(m).toContain('paperbook_group_commit_seconds_bucket');
    expect(m).toContain('paperbook_event_loop_lag_seconds');
    expect(m).toMatch(/paperbook_viewers\{namespace="\/bot"\} 1/);
  });
});
