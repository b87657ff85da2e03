// Issue 8.5 — the same trade closed by TP (tick on server A), SL (tick on server B), a manual close
// (`signal:cancel` on both) and expiry (both sweeps), all at the same moment, by two server processes
// sharing one database: exactly one close in the database, one `closed` delta across both public
// streams, and the close the viewers saw is the one the database holds.
import { afterAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { Recorder, connectBot, connectPublic, connected, waitFor } from '../helpers/sockets.ts';
import { SOAK, reportLine } from './support/soak.ts';
import { terminate, spawnServer, type ChildServer } from './support/child-server.ts';
import { checkRecord, openKnex } from './support/record-check.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

const ROUNDS = SOAK ? 200 : 30;
const TOKEN = 'race-bot-token-0123456789';
const SPACING_MS = 250;

let db: TestDatabase;
const servers: ChildServer[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) {
    await terminate(s);
  }
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

const env = () => ({ DATABASE_URL: db.url, BOT_TOKEN: TOKEN, PRICE_STALE_MS: '200' });

describe('close races across two processes', () => {
  it(`${ROUNDS} trades, each closed four ways at once by two servers: one close each`, async () => {
    db = await createTestDatabase();
    const a = await spawnServer(env());
    servers.push(a);
    const botA = connectBot(a.url, TOKEN);
    sockets.push(botA);
    await connected(botA);
    // One symbol per trade, so each round's ticks touch only its own trade.
    const start = Date.now() + 20_000 + ROUNDS * 60;
    const trades: Array<{ ext: string; symbol: string; id: number; at: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ext = `race-${i}`;
      const symbol = `RACE${i}USDT`;
      const at = start + i * SPACING_MS;
      const ack: SignalAck = await botA.timeout(10_000).emitWithAck('signal', {
        external_id: ext,
        symbol,
        direction: 'LONG',
        entry: 100,
        tp: 110,
        sl: 90,
        expires_at: new Date(at).toISOString(),
      });
      if (!ack.ok || ack.trade_id === null) throw new Error(`signal ${i} failed: ${JSON.stringify(ack)}`);
      trades.push({ ext, symbol, id: ack.trade_id, at });
    }
    // B starts after the trades exist, so it hydrates the same open trades as A holds.
    const b = await spawnServer(env());
    servers.push(b);
    const botB = connectBot(b.url, TOKEN);
    const viewA = new Recorder(connectPublic(a.url));
    const viewB = new Recorder(connectPublic(b.url));
    sockets.push(botB, viewA.socket, viewB.socket);
    await Promise.all([connected(botB), connected(viewA.socket), connected(viewB.socket)]);
    for (const t of trades) {
      const tick = { ticks: [{ symbol: t.symbol, price: 100, ts: Date.now() }] };
      await Promise.all([botA.timeout(5000).emitWithAck('prices', tick), botB.timeout(5000).emitWithAck('prices', tick)]);
    }
    if (Date.now() > start - 500) throw new Error('setup too slow for the expiry schedule; raise the lead time');

    const cancelAcks = new Map<string, number>();
    const countAck = (r: unknown) => {
      const k = (r as { ok?: boolean; error?: { code: string } })?.ok ? 'ok' : ((r as { error?: { code: string } })?.error?.code ?? 'none');
      cancelAcks.set(k, (cancelAcks.get(k) ?? 0) + 1);
    };
    for (const t of trades) {
      const wait = t.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // The four closes leave within a few ms of each other, in a random order (a cancel needs a
      // database read before it closes, so it is often given a head start), next to the expiry sweeps.
      const later = (f: () => Promise<unknown>) => new Promise((r) => setTimeout(r, Math.random() * 8)).then(f);
      const tick = (bot: Socket, price: number) => () => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: t.symbol, price, ts: Date.now() }] });
      const cancel = (bot: Socket) => () => bot.timeout(10_000).emitWithAck('signal:cancel', { external_id: t.ext }).then(countAck, countAck);
      // Racing on purpose: a tick refused mid-close is part of the race; what counts is the closes the viewers see below.
      void Promise.all([later(tick(botA, 111)), later(tick(botB, 89)), cancel(botA)(), later(cancel(botB))]).catch(warnIfFails('a racing tick or cancel'));
    }
    const ids = new Set(trades.map((t) => t.id));
    const closedDeltas = () =>
      [...viewA.events(), ...viewB.events()].filter((e): e is { type: 'closed'; trade: TradeJson } => e.type === 'closed' && ids.has(e.trade.id));
    await waitFor(() => closedDeltas().length >= ROUNDS, 30_000, 'every trade announced closed');
    await new Promise((r) => setTimeout(r, 1500)); // let any second announcement arrive

    const k = openKnex(db.url);
    try {
      const rows = (await k.raw(`select id, status, exit_price, version from paper_trades where id = any(?)`, [[...ids]])).rows as Array<{
        id: string;
        status: string;
        exit_price: string;
        version: number;
      }>;
      const byStatus: Record<string, number> = {};
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const announced = new Map<number, TradeJson[]>();
      for (const e of closedDeltas()) announced.set(e.trade.id, [...(announced.get(e.trade.id) ?? []), e.trade]);
      const problems: string[] = [];
      for (const r of rows) {
        const seen = announced.get(Number(r.id)) ?? [];
        if (!r.status.startsWith('CLOSED_')) problems.push(`trade ${r.id} is ${r.status}`);
        if (seen.length !== 1) problems.push(`trade ${r.id} announced closed ${seen.length} times`);
        else if (seen[0]!.status !== r.status || seen[0]!.exit_price !== Number(r.exit_price)) {
          problems.push(`trade ${r.id}: announced ${seen[0]!.status}@${seen[0]!.exit_price}, db ${r.status}@${r.exit_price}`);
        }
      }
      // Both books dropped every raced trade, whoever won.
      for (const s of [a, b]) {
        const open = (await (await fetch(`${s.url}/api/public/paper-trading/open-positions/`)).json()) as TradeJson[];
        for (const t of open) if (ids.has(t.id)) problems.push(`${s.url} still shows trade ${t.id} open`);
      }
      // Each server's open set and summary equal the database's, whether it won or lost each race.
      const seenOn = (v: Recorder) => ({
        acked: new Map(),
        opened: new Set<number>(),
        closed: new Map(v.events().flatMap((e) => (e.type === 'closed' ? [[e.trade.id, e.trade] as const] : []))),
      });
      const recordA = await checkRecord(k, a.url, seenOn(viewA));
      const recordB = await checkRecord(k, b.url, seenOn(viewB));
      reportLine('close-race', {
        rounds: ROUNDS,
        closeAttemptsPerTrade: 6,
        dbCloses: byStatus,
        announcedA: viewA.events().filter((e) => e.type === 'closed').length,
        announcedB: viewB.events().filter((e) => e.type === 'closed').length,
        cancelAcks: Object.fromEntries(cancelAcks),
        doubleCloses: problems.filter((p) => /announced closed [2-9]/.test(p)).length,
        problems: problems.length,
        recordProblems: [...recordA.problems, ...recordB.problems],
      });
      expect(recordA.problems).toEqual([]);
      expect(recordB.problems).toEqual([]);
      expect(problems).toEqual([]);
      expect(rows.length).toBe(ROUNDS);
      for (const code of cancelAcks.keys()) expect(['ok', 'CONFLICT']).toContain(code);
    } finally {
      await k.destroy();
    }
  }, 180_000);
});
