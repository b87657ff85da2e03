// TradingView alerts (SPEC §14): `POST /api/webhooks/tradingview/TOKEN`, posted the way TradingView
// posts (its support page "How to configure webhook alerts": the alert message as the body,
// content-type application/json when the message is valid JSON, text/plain otherwise, no headers of
// the user's). The README's template is taken from the README itself, its placeholders filled as
// TradingView expands them, so the template a user pastes is the one tested.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { loggedPath } from '../../server/transport/http/http-router.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli } from '../cli/run-cli.ts';
import { readmeAlert } from '../helpers/readme-blocks.ts';

describe('TradingView alerts', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let sql: ReturnType<typeof knex>;
  let token: string;
  /** As TradingView posts: the message as the body, its content type from whether it parses as JSON. */
  const post = async (message: string, t = token) => {
    let json = true;
    try {
      JSON.parse(message);
    } catch {
      json = false;
    }
    const r = await fetch(`${server.url}/api/webhooks/tradingview/${encodeURIComponent(t)}`, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8', 'user-agent': 'Go-http-client/1.1' },
      body: message,
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    expect((await runCli(['migrate'], { DATABASE_URL: db.url })).code).toBe(0);
    server = await startTestServer({}, { db, keepDatabase: true });
    sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'tv-strategy'], { DATABASE_URL: db.url });
    expect(created.code, created.stderr).toBe(0);
    token = created.stdout.trim();
  });
  afterAll(async () => {
    await sql?.destroy();
    await server?.stop();
    await db?.drop();
  });

  it('the README template opens a trade for the token’s bot, once per external_id', async () => {
    const message = readmeAlert({
      'strategy.order.id': 'Long Entry',
      timenow: '2026-12-04T02:40:05Z',
      exchange: 'BINANCE',
      ticker: 'ETHUSDT.P',
      'strategy.order.action': 'buy',
      interval: '240',
      close: '3012.5',
      'plot("TP")': '3100',
      'plot("SL")': '2950',
    });
    const first = await post(message);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ ok: true, duplicate: false });
    const again = await post(message);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ok: true, duplicate: true, trade_id: first.body.trade_id });
    const trade = (await (await fetch(`${server.url}/api/public/paper-trading/${String(first.body.trade_id)}/`)).json()) as TradeJson;
    expect(trade).toMatchObject({
      bot: 'tv-strategy',
      symbol: 'ETHUSDT',
      market_type: 'FUTURES',
      direction: 'LONG',
      timeframe: '4h',
      entry_price: 3012.5,
      take_profit: 3100,
      stop_loss: 2950,
    });
    const rows = (await sql.raw(`select count(*)::int as n from signals where external_id = 'Long Entry-2026-12-04T02:40:05Z'`)).rows;
    expect(rows[0].n).toBe(1);
  });

  it('numbers in quotes, sell, a plain symbol and explicit targets; refusals name the field', async () => {
    const short = await post(
      JSON.stringify({ external_id: 'tv-2', symbol: 'SOLUSDT', direction: 'sell', timeframe: '15', entry: '20', tp: ['19', 18], sl: '21', confidence: '0.7' }),
    );
    expect(short.status, JSON.stringify(short.body)).toBe(201);
    const trade = (await (await fetch(`${server.url}/api/public/paper-trading/${String(short.body.trade_id)}/`)).json()) as TradeJson;
    expect(trade).toMatchObject({ symbol: 'SOLUSDT', market_type: 'SPOT', direction: 'SHORT', timeframe: '15m', confidence: 0.7 });

    const wrongSide = await post(JSON.stringify({ external_id: 'tv-3', symbol: 'SOLUSDT', direction: 'buy', entry: 20, tp: 25, sl: 21 }));
    expect(wrongSide.status).toBe(400);
    expect(wrongSide.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', field: 'sl' } });
    const badInterval = await post(JSON.stringify({ external_id: 'tv-4', symbol: 'SOLUSDT', direction: 'buy', timeframe: '3', entry: 20, tp: 25, sl: 19 }));
    expect(badInterval.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', field: 'timeframe' } });
    const spotPerp = await post(JSON.stringify({ symbol: 'BTCUSDT.P', market_type: 'SPOT', direction: 'buy', entry: 20, tp: 25, sl: 19 }));
    expect(spotPerp.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', field: 'market_type' } });
    // TradingView's default message is text, sent as text/plain: a clear refusal pointing at the template.
    const text = await post('ETHUSDT Crossing 3000');
    expect(text.status).toBe(400);
    expect(String((text.body.error as { message: string }).message)).toMatch(/JSON in the signal payload’s shape .*README/);
    expect((await post('[1, 2]')).status).toBe(400);
    // A wrong token, a user's token: 401, nothing stored.
    const before = (await sql.raw('select count(*)::int as n from signals')).rows[0].n;
    expect((await post(JSON.stringify({ symbol: 'SOLUSDT', direction: 'buy', entry: 20, tp: 25, sl: 19 }), 'not-a-token')).status).toBe(401);
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tv_user', password: 'correct horse battery' }),
    });
    const userToken = ((await reg.json()) as { token: string }).token;
    expect((await post(JSON.stringify({ symbol: 'SOLUSDT', direction: 'buy', entry: 20, tp: 25, sl: 19 }), userToken)).status).toBe(401);
    expect((await sql.raw('select count(*)::int as n from signals')).rows[0].n).toBe(before);
  });

  it('the token in the path never reaches a log line', () => {
    expect(loggedPath('/api/webhooks/tradingview/s3cr3t-token')).toBe('/api/webhooks/tradingview/[token]');
    expect(loggedPath('/api/webhooks/tradingview/s3cr3t/extra')).toBe('/api/webhooks/tradingview/[token]/extra');
    expect(loggedPath('/api/public/bots/')).toBe('/api/public/bots/');
  });
});
