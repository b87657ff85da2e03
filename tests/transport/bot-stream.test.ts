// One bot's /public stream (SPEC §11, `auth: {bot}`): the snapshot/delta protocol over that bot's
// system trades only, with its own epoch, contiguous seq and summary; another bot's trades, a user's
// and a private bot's never reach it, and its prices are its own open trades' symbols only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, SummaryJson, TradeJson } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder, waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';

describe('a bot stream on /public', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;
  let main: Socket;
  let scalper: Socket;
  let userToken: string;
  let ts = Date.now();
  const tick = (symbol: string, price: number) => main.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
  const signal = async (s: Socket, p: Record<string, unknown>): Promise<SignalAck & { ok: true }> => {
    const ack = (await s.timeout(5000).emitWithAck('signal', p)) as SignalAck;
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    return ack as SignalAck & { ok: true };
  };
  const refusal = async (auth: Record<string, unknown>): Promise<string> => {
    const s = connectPublic(server.url, auth);
    try {
      return await new Promise<string>((resolve, reject) => {
        s.once('connect_error', (e) => resolve(e.message));
        s.once('snapshot', () => reject(new Error(`admitted: ${JSON.stringify(auth)}`)));
      });
    } finally {
      s.close();
    }
  };
  const restSummary = async (bot: string): Promise<SummaryJson> =>
    ((await (await fetch(`${server.url}/api/public/paper-trading/summary/?bot=${bot}`)).json()) as { performance: SummaryJson }).performance;
  const headline = (s: SummaryJson) => ({
    total_trades: s.total_trades,
    open_trades: s.open_trades,
    closed_trades: s.closed_trades,
    win_rate: s.win_rate,
    total_profit_loss: s.total_profit_loss,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    server = await startTestServer({}, { db });
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'scalper'], env);
    expect(created.code, created.stderr).toBe(0);
    main = connectBot(server.url, server.botToken);
    scalper = connectBot(server.url, created.stdout.trim());
    await Promise.all([connected(main), connected(scalper)]);
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ula_private', password: 'correct horse battery' }),
    });
    userToken = ((await reg.json()) as { token: string }).token;
  });
  afterAll(async () => {
    main?.close();
    scalper?.close();
    await server?.stop();
  });

  it('carries one bot alone, in order, with its own summary; resync gives the same head', async () => {
    await tick('BTCUSDT', 100);
    await tick('ETHUSDT', 50);
    await tick('SOLUSDT', 20);
    // Refused at the handshake: not a name, or a name with no public trades yet.
    expect(await refusal({ bot: 'no spaces' })).toBe('auth.bot must be a bot name');
    expect(await refusal({ bot: 'scalper' })).toBe('no bot named scalper has public trades');

    const first = await signal(scalper, { external_id: 's-1', symbol: 'ETHUSDT', direction: 'LONG', entry: 50, tp: 55, sl: 45 });
    await signal(main, { external_id: 'd-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    const viewer = new Recorder(connectPublic(server.url, { bot: 'scalper', channels: ['stream'] }));
    await viewer.until(() => viewer.snapshots.length === 1, 5000, 'the bot snapshot');
    const snap = viewer.snapshots[0]!;
    expect(snap.open_positions.map((t) => [t.id, t.bot])).toEqual([[first.trade_id, 'scalper']]);
    expect(Object.keys(snap.prices)).toEqual(['ETHUSDT']);
    expect(headline(snap.summary)).toEqual(headline(await restSummary('scalper')));
    expect(snap.summary.total_trades).toBe(1);
    // The all-bots stream is another stream: its own epoch.
    const everyone = new Recorder(connectPublic(server.url));
    await everyone.until(() => everyone.snapshots.length === 1);
    expect(everyone.snapshots[0]!.epoch).not.toBe(snap.epoch);
    expect(everyone.snapshots[0]!.open_positions).toHaveLength(2);

    // Traffic from everyone: only scalper's part may reach this viewer.
    await signal(main, { external_id: 'd-2', symbol: 'SOLUSDT', direction: 'SHORT', entry: 20, tp: 18, sl: 22 });
    const mine = await fetch(`${server.url}/api/paper-trades`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` },
      body: JSON.stringify({ symbol: 'ETHUSDT', direction: 'LONG', entry_price: 50, take_profit: 56, stop_loss: 44 }),
    });
    expect(mine.status).toBe(201);
    const userTrade = (await mine.json()) as TradeJson;
    const second = await signal(scalper, { external_id: 's-2', symbol: 'SOLUSDT', direction: 'LONG', entry: 20, tp: 25, sl: 15 });
    await viewer.until(() => viewer.events().some((e) => e.type === 'opened' && e.trade.id === second.trade_id), 5000, 'the second opened');
    await tick('BTCUSDT', 101);
    await tick('SOLUSDT', 20.5);
    await viewer.until(() => viewer.events().some((e) => e.type === 'prices' && 'SOLUSDT' in e.prices), 5000, 'SOLUSDT prices');
    await tick('ETHUSDT', 56); // s-1 and the user's trade reach their targets
    await viewer.until(() => viewer.events().some((e) => e.type === 'closed' && e.trade.id === first.trade_id), 5000, 's-1 closed');
    await waitFor(async () => (await restSummary('scalper')).closed_trades === 1, 5000, 'the REST summary');

    const last = viewer.deltas.at(-1)!;
    expect(headline(last.events.filter((e) => e.type === 'summary').at(-1)!.summary)).toEqual(headline(await restSummary('scalper')));
    expect(viewer.deltas.map((d) => d.seq)).toEqual(viewer.deltas.map((_, i) => snap.seq + 1 + i));
    expect(new Set(viewer.deltas.map((d) => d.epoch))).toEqual(new Set([snap.epoch]));
    const tradesSeen = viewer.events().flatMap((e) => ('trade' in e ? [e.trade] : []));
    expect(new Set(tradesSeen.map((t) => t.bot))).toEqual(new Set(['scalper']));
    expect(tradesSeen.some((t) => t.id === userTrade.id)).toBe(false);
    const priced = new Set(viewer.events().flatMap((e) => (e.type === 'prices' ? Object.keys(e.prices) : [])));
    expect(priced.has('BTCUSDT')).toBe(false);
    expect(viewer.raw.join('\n')).not.toContain(`"id":${userTrade.id},`);

    viewer.socket.emit('resync');
    await viewer.until(() => viewer.snapshots.length === 2, 5000, 'the resync snapshot');
    const again = viewer.snapshots[1]!;
    expect([again.epoch, again.seq]).toEqual([snap.epoch, viewer.deltas.at(-1)!.seq]);
    expect(again.open_positions.map((t) => t.id)).toEqual([second.trade_id]);
    expect(again.recent_closed.map((t) => t.id)).toEqual([first.trade_id]);
    expect(headline(again.summary)).toMatchObject({ total_trades: 2, open_trades: 1, closed_trades: 1, win_rate: 100 });
    viewer.socket.close();
    everyone.socket.close();
  });

  it('a private bot’s new trades never reach its stream; a name that never traded is refused', async () => {
    const viewer = new Recorder(connectPublic(server.url, { bot: 'scalper' }));
    await viewer.until(() => viewer.snapshots.length === 1, 5000, 'the bot snapshot');
    const before = viewer.snapshots[0]!;
    expect((await runCli(['bot:set', 'scalper', '--visibility', 'private'], env)).code).toBe(0);
    const hidden = await signal(scalper, { external_id: 's-3', symbol: 'BTCUSDT', direction: 'SHORT', entry: 101, tp: 90, sl: 110 });
    // A public trade after it, from the other bot, and a tick: the stream has had every chance to carry s-3.
    await signal(main, { external_id: 'd-3', symbol: 'SOLUSDT', direction: 'LONG', entry: 20.5, tp: 30, sl: 10 });
    await tick('BTCUSDT', 100.5);
    await tick('SOLUSDT', 20.6);
    await viewer.until(() => viewer.events().some((e) => e.type === 'prices'), 5000, 'a price delta');
    expect(viewer.raw.join('\n')).not.toContain(`"id":${hidden.trade_id},`);
    viewer.socket.emit('resync');
    await viewer.until(() => viewer.snapshots.length === 2, 5000, 'the resync snapshot');
    const after = viewer.snapshots[1]!;
    expect(after.open_positions.map((t) => t.id)).toEqual(before.open_positions.map((t) => t.id));
    expect(after.summary.total_trades).toBe(before.summary.total_trades);
    expect(Object.keys(after.prices)).not.toContain('BTCUSDT');
    // Its public past still has a stream (as its page does); a name that never traded has none.
    expect(await refusal({ bot: 'nobody' })).toBe('no bot named nobody has public trades');
    viewer.socket.close();
  });
});
