// Bots as public identities (SPEC §11): two bots (the env token's "default" and a CLI token's
// "scalper") and a user. Every trade carries its bot; `?bot=` narrows the list, performance/ and
// open positions to one bot; GET /api/public/bots/ gives each bot's figures, and bot:set names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { BotJson, OpenPositionJson, PublicTradeDetail, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { ledgerHash } from '../../server/ledger/ledger-chain.ts';
import type { Json } from '../../shared/canonical-json.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, once } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';

describe('bots', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;
  let bot: Socket;
  let ts = Date.now();
  const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${server.url}${path}`);
    return { status: r.status, body: (await r.json()) as T };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    server = await startTestServer({}, { db });
    bot = connectBot(server.url, server.botToken);
    await connected(bot);
  });
  afterAll(async () => {
    bot?.close();
    await server?.stop();
  });

  it('trades carry their bot, ?bot= narrows every read, and the directory counts each bot apart', async () => {
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'scalper'], env);
    expect(created.code, created.stderr).toBe(0);
    const scalper = created.stdout.trim();
    await tick('BTCUSDT', 100);
    await tick('ETHUSDT', 50);
    for (const [id, tp] of [
      ['d-1', 110],
      ['d-2', 200],
    ] as const) {
      const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp, sl: 90 });
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
    }
    const posted = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scalper}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: 's-1', symbol: 'ETHUSDT', direction: 'SHORT', entry: 50, tp: 40, sl: 60 }),
    });
    expect(posted.status).toBe(201);
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'una_private', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    const mine = await fetch(`${server.url}/api/paper-trades`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ symbol: 'BTCUSDT', direction: 'LONG', entry_price: 100, take_profit: 105, stop_loss: 95 }),
    });
    expect(mine.status).toBe(201);
    expect(((await mine.json()) as TradeJson).bot).toBeNull();
    await tick('BTCUSDT', 111); // d-1 and the user's trade hit their targets
    const closedCount = async () => (await get<{ count: number }>('/api/public/paper-trading/?status=CLOSED_TP')).body.count;
    for (let i = 0; i < 50 && (await closedCount()) < 1; i++) await new Promise((r) => setTimeout(r, 100));

    const all = await get<{ count: number; results: TradeJson[] }>('/api/public/paper-trading/?page_size=100');
    expect(all.body.results.map((t) => [t.bot, t.symbol]).sort()).toEqual([
      ['default', 'BTCUSDT'],
      ['default', 'BTCUSDT'],
      ['scalper', 'ETHUSDT'],
    ]);
    const onlyScalper = await get<{ count: number; results: TradeJson[] }>('/api/public/paper-trading/?bot=scalper');
    expect(onlyScalper.body.count).toBe(1);
    expect(onlyScalper.body.results[0]).toMatchObject({ bot: 'scalper', symbol: 'ETHUSDT', direction: 'SHORT' });

    const perf = await get<{ total_trades: number; closed_trades: number; open_trades: number; total_profit_loss: number }>(
      '/api/public/paper-trading/performance/?bot=default',
    );
    expect(perf.body).toMatchObject({ total_trades: 2, closed_trades: 1, open_trades: 1 });
    const perfTotal = perf.body.total_profit_loss;
    const perfScalper = await get<{ total_trades: number }>('/api/public/paper-trading/performance/?bot=scalper');
    expect(perfScalper.body.total_trades).toBe(1);

    // One bot's summary: its figures, not every bot's, with its own latest closes.
    const sumDefault = await get<{
      performance: { total_trades: number; closed_trades: number; win_rate: number };
      open_trades_count: number;
      recent_closed_trades: TradeJson[];
    }>('/api/public/paper-trading/summary/?bot=default');
    expect(sumDefault.body.performance).toMatchObject({ total_trades: 2, closed_trades: 1, win_rate: 100 });
    expect(sumDefault.body.open_trades_count).toBe(1);
    expect(sumDefault.body.recent_closed_trades.map((t) => [t.bot, t.status])).toEqual([['default', 'CLOSED_TP']]);
    const sumScalper = await get<{ performance: { total_trades: number; closed_trades: number }; recent_closed_trades: TradeJson[] }>(
      '/api/public/paper-trading/summary/?bot=scalper',
    );
    expect(sumScalper.body.performance).toMatchObject({ total_trades: 1, closed_trades: 0 });
    expect(sumScalper.body.recent_closed_trades).toEqual([]);
    const sumAll = await get<{ performance: { total_trades: number } }>('/api/public/paper-trading/summary/');
    expect(sumAll.body.performance.total_trades).toBe(3);

    const open = await get<OpenPositionJson[]>('/api/public/paper-trading/open-positions/?bot=scalper');
    expect(open.body.map((p) => p.bot)).toEqual(['scalper']);
    expect((await get<OpenPositionJson[]>('/api/public/paper-trading/open-positions/')).body).toHaveLength(2);

    for (const path of [
      '/api/public/paper-trading/?bot=no%20spaces',
      '/api/public/paper-trading/performance/?bot=-x',
      '/api/public/paper-trading/open-positions/?bot=a/b',
      '/api/public/paper-trading/summary/?bot=%2A',
    ]) {
      const bad = await get<{ error: { code: string; field: string } }>(path);
      expect(bad.status, path).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'bot' });
    }

    // One trade's page data (SPEC §13): the trade and its ledger rows, each hash recomputable.
    const closed = all.body.results.find((t) => t.status === 'CLOSED_TP')!;
    const detail = await get<PublicTradeDetail>(`/api/public/paper-trading/${closed.id}/`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: closed.id, bot: 'default', status: 'CLOSED_TP' });
    expect(detail.body.ledger.length).toBeGreaterThanOrEqual(2);
    for (const r of detail.body.ledger) {
      expect(r.trade_id).toBe(closed.id);
      expect(ledgerHash(r.prev_hash, r.kind, r.trade_id, r.event as Json, r.at)).toBe(r.hash);
    }
    const userTrade = (await (await fetch(`${server.url}/api/paper-trades`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      results: TradeJson[];
    };
    expect((await get(`/api/public/paper-trading/${userTrade.results[0]!.id}/`)).status).toBe(404);
    expect((await get('/api/public/paper-trading/999999/')).status).toBe(404);
    const badId = await get<{ error: { field: string } }>('/api/public/paper-trading/12abc/');
    expect([badId.status, badId.body.error.field]).toEqual([400, 'id']);

    // The ledger of one bot: the rows of its trades only; verify says how much of the chain is its.
    const scalperRows = await get<{ results: Array<{ trade_id: number; kind: string }> }>('/api/public/ledger/?bot=scalper');
    expect(new Set(scalperRows.body.results.map((r) => r.trade_id))).toEqual(new Set([onlyScalper.body.results[0]!.id]));
    expect(scalperRows.body.results.map((r) => r.kind)).toEqual(['signal_received', 'trade_opened']);
    expect((await get('/api/public/ledger/?bot=a%20b')).status).toBe(400);
    let verified: { status: number; body: { ok: boolean; bot: { name: string; rows: number; trades: number } } } | undefined;
    for (let i = 0; i < 100 && verified?.status !== 200; i++) {
      verified = await get('/api/public/ledger/verify?bot=default');
      if (verified.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(verified!.body.bot).toMatchObject({ name: 'default', trades: 2 });
    expect(verified!.body.bot.rows).toBeGreaterThanOrEqual(5); // 2 × (signal, open) + the close

    // Sharing (SPEC §13): the list as CSV with the same filters, and a badge per bot.
    const csv = await fetch(`${server.url}/api/public/paper-trading/export.csv?bot=scalper`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="paperbook-trades-scalper.csv"');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.startsWith('id,bot,signal_id,symbol')).toBe(true);
    expect(lines[1]).toContain(',scalper,');
    const badge = await fetch(`${server.url}/badge.svg?bot=default`);
    expect([badge.status, badge.headers.get('content-type'), badge.headers.get('cache-control')]).toEqual([
      200,
      'image/svg+xml; charset=utf-8',
      'public, max-age=300',
    ]);
    const svg = await badge.text();
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('win 100.0% · +');
    expect(await (await fetch(`${server.url}/badge.svg?bot=scalper`)).text()).toContain('no closed trades');
    const unknown = await fetch(`${server.url}/badge.svg?bot=nobody`);
    expect([unknown.status, (await unknown.text()).includes('no such bot')]).toEqual([404, true]);
    expect((await fetch(`${server.url}/badge.svg?bot=%3Cscript%3E`)).status).toBe(400);
    expect(await (await fetch(`${server.url}/badge.svg`)).text()).toContain('paperbook');

    // The ticker of one bot (the widget's bot="…"): its own figures, at once and every second.
    const defaultTicker = connectPublic(server.url, { channels: ['ticker'], bot: 'default' });
    const frame = await once<TickerJson>(defaultTicker, 'ticker');
    expect(frame).toMatchObject({ open_trades: 1, closed_trades: 1, win_rate: 100 });
    expect(frame.last_closed).toMatchObject({ bot: 'default', status: 'CLOSED_TP' });
    expect(frame.total_profit_loss).toBe(perfTotal);
    expect(await once<TickerJson>(defaultTicker, 'ticker', 3000)).toMatchObject({ closed_trades: 1 });
    defaultTicker.close();
    const scalperTicker = connectPublic(server.url, { channels: ['ticker'], bot: 'scalper' });
    expect(await once<TickerJson>(scalperTicker, 'ticker')).toMatchObject({ open_trades: 1, closed_trades: 0, last_closed: null });
    scalperTicker.close();
    for (const [auth, message] of [
      [{ channels: ['ticker'], bot: 'no spaces' }, 'auth.bot must be a bot name'],
      [{ bot: 'nobody' }, 'no bot named nobody has public trades'],
    ] as const) {
      const refused = connectPublic(server.url, auth);
      expect(await new Promise<string>((r) => refused.once('connect_error', (e) => r(e.message)))).toBe(message);
      refused.close();
    }

    const set = await runCli(['bot:set', 'scalper', '--display-name', 'Scalper 5m', '--description', 'Fades 5-minute breakouts'], env);
    expect(set.code, set.stderr).toBe(0);
    const bots = await get<BotJson[]>('/api/public/bots/');
    expect(bots.status).toBe(200);
    const byName = new Map(bots.body.map((b) => [b.name, b]));
    expect([...byName.keys()].sort()).toEqual(['default', 'scalper']);
    expect(byName.get('default')).toMatchObject({
      display_name: 'default',
      description: null,
      total_trades: 2,
      open_trades: 1,
      closed_trades: 1,
      win_rate: 100,
    });
    expect(byName.get('default')!.total_profit_loss).toBeGreaterThan(0);
    expect(byName.get('default')!.equity).toHaveLength(1);
    expect(byName.get('default')!.equity[0]!.value).toBe(byName.get('default')!.total_profit_loss);
    expect(byName.get('scalper')).toMatchObject({
      display_name: 'Scalper 5m',
      description: 'Fades 5-minute breakouts',
      total_trades: 1,
      closed_trades: 0,
      equity: [],
    });

    const listed = await runCli(['bot:list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^default\s+public\s+2\s+1\s+1\s/m);
    expect(listed.stdout).toMatch(/^scalper\s+Scalper 5m\s+public\s+1\s+1\s+0\s+0\s+0$/m);
  });

  it('bot:set refuses what it cannot store, naming the flag', async () => {
    for (const [args, message] of [
      [['bot:set'], /needs a bot NAME/],
      [['bot:set', 'x y', '--display-name', 'n'], /NAME must be a token name/],
      [['bot:set', 'scalper'], /needs --display-name, --description and\/or --visibility/],
      [['bot:set', 'scalper', '--display-name', 'n'.repeat(81)], /--display-name must be at most 80/],
      [['bot:set', 'scalper', 'extra', '--display-name', 'n'], /unexpected argument "extra"/],
    ] as const) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
