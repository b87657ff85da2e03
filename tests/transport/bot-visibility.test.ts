// Bot visibility (SPEC §11). `bot:set NAME --visibility private`: the bot's signals from then on open
// trades held by the private bots' account, behind the same wall as users' trades: acked, stored,
// priced, updated and closed like any other, but on no public surface and never in the ledger.
// `unlisted`: out of the bots list, reachable by name. A visibility applies to signals from the
// moment it is set (read by the ingest statement): an earlier public trade stays public.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import type { Socket } from 'socket.io-client';
import type { BotJson, SignalAck } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';

describe('bot visibility', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let sql: ReturnType<typeof knex>;
  let server: TestServer;
  let env: Record<string, string>;
  let bot: Socket;
  let hidden: Socket;
  let viewer: Recorder;
  let ts = Date.now();
  const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${server.url}${path}`);
    return { status: r.status, body: (await r.json()) as T };
  };
  const signal = async (s: Socket, p: Record<string, unknown>): Promise<SignalAck & { ok: true }> => {
    const ack = (await s.timeout(5000).emitWithAck('signal', p)) as SignalAck;
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    return ack as SignalAck & { ok: true };
  };
  const row = async (id: number) => (await sql.raw('select user_id, bot, status, stop_loss from paper_trades where id = ?', [id])).rows[0];
  const ledgerRows = async (id: number) => Number((await sql.raw('select count(*)::int as n from ledger where trade_id = ?', [id])).rows[0].n);
  /** Every trade id named anywhere in a public payload. */
  const named = (value: unknown, out = new Set<number>()): Set<number> => {
    if (Array.isArray(value)) value.forEach((v) => named(v, out));
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.id === 'number' && 'entry_price' in o) out.add(o.id);
      Object.values(o).forEach((v) => named(v, out));
    }
    return out;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
    server = await startTestServer({}, { db, keepDatabase: true });
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'hidden'], env);
    expect(created.code, created.stderr).toBe(0);
    bot = connectBot(server.url, server.botToken);
    hidden = connectBot(server.url, created.stdout.trim());
    await Promise.all([connected(bot), connected(hidden)]);
    viewer = new Recorder(connectPublic(server.url));
    await viewer.until(() => viewer.snapshots.length === 1);
  });
  afterAll(async () => {
    bot?.close();
    hidden?.close();
    viewer?.socket.close();
    await sql?.destroy();
    await server?.stop();
    await db?.drop();
  });

  it('a private bot’s trades live behind the wall: acked, updated and closed, never public, never in the ledger', async () => {
    await tick('BTCUSDT', 100);
    await tick('SOLUSDT', 20);
    // Public first: this trade is public and stays so.
    const before = await signal(hidden, { external_id: 'h-pub', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    expect((await row(before.trade_id!)).user_id).toBeNull();

    const set = await runCli(['bot:set', 'hidden', '--visibility', 'private'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('private');
    expect(set.stderr).toContain('1 public trades (1 open) stay public');

    const priv = await signal(hidden, { external_id: 'h-1', symbol: 'SOLUSDT', direction: 'LONG', entry: 20, tp: 25, sl: 18 });
    const priv2 = await signal(hidden, { external_id: 'h-2', symbol: 'BTCUSDT', direction: 'SHORT', entry: 100, tp: 90, sl: 105 });
    const pub = await signal(bot, { external_id: 'd-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 120, sl: 80 });
    expect(await row(priv.trade_id!)).toMatchObject({ user_id: '-1', bot: 'hidden', status: 'OPEN' });
    expect((await row(pub.trade_id!)).user_id).toBeNull();
    // A resend finds the private trade (idempotent like any signal).
    expect(
      await hidden.timeout(5000).emitWithAck('signal', { external_id: 'h-1', symbol: 'SOLUSDT', direction: 'LONG', entry: 20, tp: 25, sl: 18 }),
    ).toMatchObject({
      ok: true,
      trade_id: priv.trade_id,
      duplicate: true,
    });
    // Moving its stop works on the private trade, and writes nothing public.
    expect(await hidden.timeout(5000).emitWithAck('signal:update', { external_id: 'h-1', sl: 19, update_id: 'be' })).toMatchObject({
      ok: true,
      trade_id: priv.trade_id,
    });
    expect(Number((await row(priv.trade_id!)).stop_loss)).toBe(19);
    // It closes on its stop like any trade; a cancel closes the other.
    await tick('SOLUSDT', 18.9);
    await waitFor(async () => (await row(priv.trade_id!)).status === 'CLOSED_SL', 5000, 'private trade closed by its stop');
    expect(await hidden.timeout(5000).emitWithAck('signal:cancel', { external_id: 'h-2' })).toMatchObject({ ok: true });
    await waitFor(async () => (await row(priv2.trade_id!)).status === 'CLOSED_MANUAL', 5000, 'private trade cancelled');
    await server.app.engine.flush(5000);

    const privateIds = new Set([priv.trade_id!, priv2.trade_id!]);
    for (const id of privateIds) expect(await ledgerRows(id), `ledger rows of private trade ${id}`).toBe(0);
    expect(await ledgerRows(pub.trade_id!)).toBe(2); // signal_received + trade_opened
    expect(await ledgerRows(before.trade_id!)).toBe(2);

    const base = '/api/public/paper-trading';
    const paths = [
      `${base}/?page_size=100`,
      `${base}/?bot=hidden&page_size=100`,
      `${base}/?status=CLOSED_SL&page_size=100`,
      `${base}/summary/`,
      `${base}/summary/?bot=hidden`,
      `${base}/open-positions/`,
      `${base}/performance/`,
      `${base}/performance/?bot=hidden`,
      '/api/public/ledger/?page_size=500',
      '/api/public/ledger/?bot=hidden',
      '/api/public/bots/',
    ];
    for (const p of paths) {
      const r = await get<unknown>(p);
      expect(r.status, p).toBe(200);
      for (const id of named(r.body)) expect(privateIds.has(id), `${p} names private trade ${id}`).toBe(false);
      expect(JSON.stringify(r.body), p).not.toContain('"trade_id":' + priv.trade_id + ',');
    }
    for (const id of privateIds) expect((await fetch(`${server.url}${base}/${id}/`)).status, `trade page ${id}`).toBe(404);
    expect((await get<{ count: number }>(`${base}/?bot=hidden&page_size=100`)).body.count).toBe(1); // its public past
    const csv = await (await fetch(`${server.url}${base}/export.csv?bot=hidden`)).text();
    expect(csv.trim().split('\n')).toHaveLength(2); // header + its public trade
    // SOLUSDT is held by the private bot alone: no public price or candle names it.
    const late = new Recorder(connectPublic(server.url));
    await late.until(() => late.snapshots.length === 1);
    const snapshot = late.snapshots[0] as { prices: Record<string, unknown> };
    late.socket.close();
    expect(Object.keys(snapshot.prices)).toContain('BTCUSDT');
    expect(Object.keys(snapshot.prices)).not.toContain('SOLUSDT');
    expect(viewer.raw.filter((f) => f.includes('"prices"')).join('')).not.toContain('SOLUSDT');
    expect((await get<unknown[]>('/api/public/candles/?symbol=SOLUSDT&market_type=SPOT&interval=1m')).status).toBe(404);
    // Nothing of it went down the public stream.
    await waitFor(() => viewer.raw.some((f) => f.includes(`"id":${pub.trade_id},`)), 5000, 'the public trade on the stream');
    for (const frame of viewer.raw) for (const id of named(JSON.parse(frame))) expect(privateIds.has(id), `stream named ${id}`).toBe(false);
    // The directory does not list it; by name it shows its public past and says it is private.
    expect((await get<BotJson[]>('/api/public/bots/')).body.map((b) => b.name)).toEqual(['default']);
    const byName = await get<BotJson>('/api/public/bots/hidden/');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ name: 'hidden', visibility: 'private', total_trades: 1 });
    expect((await get<unknown>('/api/public/bots/nobody/')).status).toBe(404);
    // The operator sees it in bot:list.
    const list = await runCli(['bot:list'], env);
    expect(list.stdout).toMatch(/hidden\s+private\s+1\s+1\s+0\s+0\s+2/);
  });

  it('unlisted: out of the list, reachable by name; public again: new signals public, private ones stay private', async () => {
    expect((await runCli(['bot:set', 'hidden', '--visibility', 'unlisted'], env)).code).toBe(0);
    const ack = await signal(hidden, { external_id: 'h-3', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 130, sl: 70 });
    expect((await row(ack.trade_id!)).user_id).toBeNull();
    expect((await get<BotJson[]>('/api/public/bots/')).body.map((b) => b.name)).toEqual(['default']);
    await server.app.engine.flush(5000);
    await waitFor(async () => (await get<BotJson>('/api/public/bots/hidden/')).body.total_trades === 2, 5000, 'the unlisted bot by name');
    expect((await get<BotJson>('/api/public/bots/hidden/')).body.visibility).toBe('unlisted');
    expect((await fetch(`${server.url}/badge.svg?bot=hidden`)).status).toBe(200);

    expect((await runCli(['bot:set', 'hidden', '--visibility', 'public'], env)).stderr).toContain('Its 2 private trades stay private');
    await waitFor(async () => (await get<BotJson[]>('/api/public/bots/')).body.some((b) => b.name === 'hidden'), 5000, 'listed again');
    expect(Number((await sql.raw('select count(*)::int as n from paper_trades where bot = ? and user_id = -1', ['hidden'])).rows[0].n)).toBe(2);
    // Bad input: a clear usage error, nothing written.
    const bad = await runCli(['bot:set', 'hidden', '--visibility', 'secret'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--visibility must be one of public, unlisted, private');
    // No token reaches the private bots' account.
    const token = await runCli(['token:create', '--kind', 'user', '--name', 'sneak', '--user', '~private-bots'], env);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('private bots');
  });

  it('after a restart the book hydrates a private trade behind the wall, and it closes there', async () => {
    expect((await runCli(['bot:set', 'hidden', '--visibility', 'private'], env)).code).toBe(0);
    const ack = await signal(hidden, { external_id: 'h-4', symbol: 'ETHUSDT', direction: 'LONG', entry: 50, tp: 60, sl: 45 });
    expect((await row(ack.trade_id!)).user_id).toBe('-1');
    await server.app.engine.flush(5000);
    hidden.close();
    bot.close();
    viewer.socket.close();
    await server.stop();
    server = await startTestServer({ BOT_TOKEN: server.botToken }, { db, keepDatabase: true });
    bot = connectBot(server.url, server.botToken);
    await connected(bot);
    viewer = new Recorder(connectPublic(server.url));
    await viewer.until(() => viewer.snapshots.length === 1);
    expect(named(viewer.snapshots[0]).has(ack.trade_id!)).toBe(false);
    expect(named((await get<unknown>('/api/public/paper-trading/open-positions/')).body).has(ack.trade_id!)).toBe(false);
    await tick('ETHUSDT', 61);
    await waitFor(async () => (await row(ack.trade_id!)).status === 'CLOSED_TP', 5000, 'the hydrated private trade closed by its target');
    await server.app.engine.flush(5000);
    expect(await ledgerRows(ack.trade_id!)).toBe(0);
    for (const frame of viewer.raw) expect(named(JSON.parse(frame)).has(ack.trade_id!)).toBe(false);
  });
});
