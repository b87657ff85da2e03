// An unlisted bot (SPEC §11): "reachable by its URL, not listed, not in the all-bots record". Its
// trades stay public (its page, `?bot=`, its own stream and ticker, the ledger) but leave every read
// of all bots together: the unfiltered list, summary, performance, open positions, the `/public`
// stream (a new epoch makes viewers resync), the all-bots ticker and badge. Back to public, they
// count again, past and new. The listing is read from the bots table (the CLI is another process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { BotJson, OpenPositionJson, SignalAck, SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, once, Recorder, waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';

const BASE = '/api/public/paper-trading';

describe('an unlisted bot', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;
  let main: Socket;
  let quiet: Socket;
  let viewer: Recorder;
  let ts = Date.now();
  const tick = (symbol: string, price: number) => main.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });
  const signal = async (s: Socket, p: Record<string, unknown>): Promise<number> => {
    const ack = (await s.timeout(5000).emitWithAck('signal', p)) as SignalAck;
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    return (ack as SignalAck & { ok: true }).trade_id as number;
  };
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${server.url}${path}`);
    expect(r.status, path).toBe(200);
    return (await r.json()) as T;
  };
  const summary = async (q = '') => (await get<{ performance: SummaryJson; recent_closed_trades: TradeJson[] }>(`${BASE}/summary/${q}`)).performance;
  const listIds = async (q = '') =>
    (await get<{ count: number; results: TradeJson[] }>(`${BASE}/?page_size=100${q}`)).results.map((t) => t.id).sort((a, b) => a - b);
  /** Waits for the stream's new epoch (a listing change) among the deltas from index `from`, resyncs as a page does, and returns the fresh snapshot. */
  const resyncAfterNewEpoch = async (epoch: string, from: number): Promise<SnapshotJson> => {
    await viewer.until(() => viewer.deltas.slice(from).some((d) => d.epoch !== epoch), 10_000, 'a delta of a new epoch');
    const n = viewer.snapshots.length;
    viewer.socket.emit('resync');
    await viewer.until(() => viewer.snapshots.length > n, 5000, 'the resync snapshot');
    const snap = viewer.snapshots.at(-1)!;
    expect(snap.epoch).not.toBe(epoch);
    return snap;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    server = await startTestServer({}, { db, app: { botListingRecheckMs: 100 } });
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'quiet'], env);
    expect(created.code, created.stderr).toBe(0);
    main = connectBot(server.url, server.botToken);
    quiet = connectBot(server.url, created.stdout.trim());
    await Promise.all([connected(main), connected(quiet)]);
    viewer = new Recorder(connectPublic(server.url));
    await viewer.until(() => viewer.snapshots.length === 1);
  });
  afterAll(async () => {
    main?.close();
    quiet?.close();
    viewer?.socket.close();
    await server?.stop();
  });

  it('leaves the all-bots record and comes back, past and new, while its own reads keep it', async () => {
    await tick('BTCUSDT', 100);
    await tick('ETHUSDT', 50);
    await tick('SOLUSDT', 20);
    const d1 = await signal(main, { external_id: 'd-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 120, sl: 80 });
    const q1 = await signal(quiet, { external_id: 'q-1', symbol: 'ETHUSDT', direction: 'LONG', entry: 50, tp: 55, sl: 45 });
    const q2 = await signal(quiet, { external_id: 'q-2', symbol: 'SOLUSDT', direction: 'LONG', entry: 20, tp: 30, sl: 10 });
    await tick('ETHUSDT', 56); // q-1 takes its profit
    await waitFor(async () => (await summary()).closed_trades === 1, 5000, 'q-1 closed');
    await tick('SOLUSDT', 21);
    await tick('BTCUSDT', 101);
    expect(await listIds()).toEqual([d1, q1, q2]);
    expect((await summary()).total_trades).toBe(3);

    // Unlisted: out of every all-bots read, at once for the stream's viewers (a new epoch).
    let mark = viewer.deltas.length;
    expect((await runCli(['bot:set', 'quiet', '--visibility', 'unlisted'], env)).code).toBe(0);
    let snap = await resyncAfterNewEpoch(viewer.snapshots.at(-1)!.epoch, mark);
    expect(snap.open_positions.map((t) => t.id)).toEqual([d1]);
    expect(snap.recent_closed).toEqual([]);
    expect(snap.summary).toMatchObject({ total_trades: 1, open_trades: 1, closed_trades: 0, total_profit_loss: 0 });
    await waitFor(async () => (await listIds()).length === 1, 5000, 'the list without quiet');
    expect(await listIds()).toEqual([d1]);
    expect(await listIds('&bot=quiet')).toEqual([q1, q2]);
    const all = await summary();
    expect(all).toMatchObject({ total_trades: 1, closed_trades: 0 });
    const mainOpen = await get<OpenPositionJson[]>(`${BASE}/open-positions/?bot=default`);
    expect(all.unrealized_profit_loss).toBe(mainOpen[0]!.unrealized_pnl);
    expect((await get<OpenPositionJson[]>(`${BASE}/open-positions/`)).map((p) => p.id)).toEqual([d1]);
    expect((await get<OpenPositionJson[]>(`${BASE}/open-positions/?bot=quiet`)).map((p) => p.id)).toEqual([q2]);
    expect(await summary('?bot=quiet')).toMatchObject({ total_trades: 2, closed_trades: 1, win_rate: 100 });
    expect(await get<SummaryJson>(`${BASE}/performance/`)).toMatchObject({ total_trades: 1, closed_trades: 0 });
    expect(await get<SummaryJson>(`${BASE}/performance/?bot=quiet`)).toMatchObject({ total_trades: 2, closed_trades: 1 });
    const csv = await (await fetch(`${server.url}${BASE}/export.csv`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(await (await fetch(`${server.url}/badge.svg`)).text()).toContain('no closed trades');
    const ticker = connectPublic(server.url, { channels: ['ticker'] });
    expect(await once<TickerJson>(ticker, 'ticker')).toMatchObject({ open_trades: 1, closed_trades: 0, last_closed: null });
    ticker.close();
    // Reachable by name, not listed; its own stream has its whole record.
    expect((await get<BotJson[]>('/api/public/bots/')).map((b) => b.name)).toEqual(['default']);
    expect(await get<BotJson>('/api/public/bots/quiet/')).toMatchObject({ visibility: 'unlisted', total_trades: 2 });
    const own = new Recorder(connectPublic(server.url, { bot: 'quiet' }));
    await own.until(() => own.snapshots.length === 1);
    expect(own.snapshots[0]!.open_positions.map((t) => t.id)).toEqual([q2]);
    own.socket.close();

    // While unlisted, its new trades and closes reach no all-bots viewer; the record does not move.
    const seen = viewer.deltas.length;
    const q3 = await signal(quiet, { external_id: 'q-3', symbol: 'ETHUSDT', direction: 'SHORT', entry: 56, tp: 50, sl: 60 });
    await tick('SOLUSDT', 31); // q-2 takes its profit
    const d2 = await signal(main, { external_id: 'd-2', symbol: 'BTCUSDT', direction: 'SHORT', entry: 101, tp: 90, sl: 110 });
    await viewer.until(() => viewer.events().some((e) => e.type === 'opened' && e.trade.id === d2), 5000, 'd-2 opened');
    const named = viewer.deltas.slice(seen).flatMap((d) => d.events.flatMap((e) => ('trade' in e ? [e.trade.bot] : [])));
    expect(new Set(named)).toEqual(new Set(['default']));
    expect((await summary()).total_trades).toBe(2);
    await waitFor(async () => (await summary('?bot=quiet')).closed_trades === 2, 5000, 'q-2 closed in its own record');

    // Public again: its past and its new trades are back in the record.
    mark = viewer.deltas.length;
    expect((await runCli(['bot:set', 'quiet', '--visibility', 'public'], env)).code).toBe(0);
    snap = await resyncAfterNewEpoch(snap.epoch, mark);
    expect(snap.summary).toMatchObject({ total_trades: 5, closed_trades: 2, win_rate: 100 });
    expect(snap.open_positions.map((t) => t.id).sort((a, b) => a - b)).toEqual([d1, q3, d2].sort((a, b) => a - b));
    expect(snap.recent_closed.map((t) => t.id)).toEqual([q2, q1]);
    await waitFor(async () => (await listIds()).length === 5, 5000, 'the list with quiet');
    expect((await summary()).total_trades).toBe(5);
    // The listing unchanged, the epoch stays: the next deltas continue it.
    const from = viewer.deltas.length;
    await new Promise((r) => setTimeout(r, 400));
    await tick('BTCUSDT', 102);
    await viewer.until(() => viewer.deltas.length > from, 5000, 'a price delta');
    expect(viewer.deltas.slice(from).map((d) => d.epoch)).toEqual(viewer.deltas.slice(from).map(() => snap.epoch));
  });
});
