// Issue 8.2 — database outage, longer and harsher than tests/transport/unavailable.test.ts:
// the TCP proxy cut for 10 s with trades closing meanwhile, then backends terminated
// (pg_terminate_backend) under load. Acks are UNAVAILABLE promptly, /readyz is 503, ticks keep the
// stream live, closes wait in memory (bounded) and are written once, nothing acked is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { Recorder, connectBot, connectPublic, connected, waitFor } from '../helpers/sockets.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { withAdmin } from '../../server/persistence/database.ts';
import { SOAK, reportLine } from './support/soak.ts';
import { checkRecord, openKnex, type SeenByViewers } from './support/record-check.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

const OUTAGE_MS = SOAK ? 30_000 : 10_000;
const TERMINATIONS = SOAK ? 50 : 10;

let db: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;
let bot: Socket;
let viewer: Recorder;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);
const seen: SeenByViewers = { acked: new Map(), closed: new Map(), opened: new Set() };

beforeAll(async () => {
  process.on('uncaughtException', onUncaught).on('unhandledRejection', onUncaught);
  db = await createTestDatabase();
  const u = new URL(db.url);
  proxy = await new TcpProxy(u.hostname, Number(u.port)).start();
  server = await startTestServer({ PRICE_STALE_MS: '120000' }, { db: { ...db, url: proxy.url(db.url) } });
  bot = connectBot(server.url, server.botToken);
  viewer = new Recorder(connectPublic(server.url));
  await Promise.all([connected(bot), connected(viewer.socket)]);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught).off('unhandledRejection', onUncaught);
  bot?.close();
  viewer?.socket.close();
  proxy?.restore();
  await server?.stop();
  await proxy?.stop();
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

const send = async (external_id: string, p: Record<string, unknown> = {}): Promise<SignalAck> => {
  const ack: SignalAck = await bot
    .timeout(20_000)
    .emitWithAck('signal', { external_id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 105, sl: 95, ...p });
  if (ack.ok) seen.acked.set(ack.signal_id, ack.trade_id);
  return ack;
};
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: Date.now() }] });
const closedEvents = () => viewer.events().filter((e): e is { type: 'closed'; trade: TradeJson } => e.type === 'closed');
const record = () => {
  for (const e of viewer.events()) {
    if (e.type === 'closed') seen.closed.set(e.trade.id, e.trade);
    if (e.type === 'opened') seen.opened.add(e.trade.id);
  }
};
async function check(): Promise<string[]> {
  record();
  const k = openKnex(db.url);
  try {
    return (await checkRecord(k, server.url, seen)).problems;
  } finally {
    await k.destroy();
  }
}

describe('database outage', () => {
  it(
    `a ${OUTAGE_MS / 1000} s cut: prompt UNAVAILABLE, 503, live ticks, closes queued and written once`,
    async () => {
      // 40 open trades on ETHUSDT (TP 105), 40 on SOLUSDT (SL 95).
      for (let i = 0; i < 40; i++) {
        expect((await send(`pre-eth-${i}`, { symbol: 'ETHUSDT' })).ok).toBe(true);
        expect((await send(`pre-sol-${i}`, { symbol: 'SOLUSDT' })).ok).toBe(true);
      }
      await tick('ETHUSDT', 100);
      await tick('SOLUSDT', 100);

      proxy.cut();
      const cutAt = Date.now();
      const latencies: number[] = [];
      const refused: string[] = [];
      const deltasBefore = viewer.deltas.length;
      const closedBefore = closedEvents().length;
      // The ETH trades hit TP while the database is away.
      expect(await tick('ETHUSDT', 106)).toMatchObject({ ok: true });
      let n = 0;
      let maxPending = 0;
      while (Date.now() - cutAt < OUTAGE_MS) {
        const t0 = Date.now();
        const ack = await send(`during-${n}`);
        latencies.push(Date.now() - t0);
        expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
        refused.push(`during-${n++}`);
        expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        expect(await tick('BTCUSDT', 100 + (n % 5) / 10)).toMatchObject({ ok: true });
        maxPending = Math.max(maxPending, server.app.engine.pendingCloses);
      }
      // The stream stayed live (price deltas flowed) but announced no close the database did not hold.
      await new Promise((r) => setTimeout(r, 100));
      expect(viewer.deltas.length).toBeGreaterThan(deltasBefore);
      expect(closedEvents().length).toBe(closedBefore);
      // Queued closes: bounded by the trades that closed (each trade closes once).
      expect(maxPending).toBeLessThanOrEqual(40);
      expect(server.app.engine.pendingCloses).toBe(40);
      const open = (await (await fetch(`${server.url}/api/public/paper-trading/open-positions/`)).json()) as Array<{
        symbol: string;
        current_price: number | null;
      }>;
      expect(open.find((t) => t.symbol === 'SOLUSDT')?.current_price).toBe(100);

      proxy.restore();
      await waitFor(() => server.app.engine.pendingCloses === 0, 30_000, 'queued closes written');
      await viewer.until(() => closedEvents().length === closedBefore + 40, 10_000, '40 closed deltas');
      // Every refused signal is accepted once the database is back, exactly once.
      await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200, 30_000, 'ready again');
      for (let i = 0; i < refused.length; i += 50) {
        const acks = await Promise.all(refused.slice(i, i + 50).map((id) => send(id)));
        for (const a of acks) expect(a.ok).toBe(true);
      }
      expect(await check()).toEqual([]);
      const k = openKnex(db.url);
      const tp = (await k.raw(`select count(*)::int as n from paper_trades where symbol = 'ETHUSDT' and status = 'CLOSED_TP'`)).rows[0].n;
      await k.destroy();
      expect(tp).toBe(40);
      latencies.sort((a, b) => a - b);
      reportLine('outage-cut', {
        outageMs: OUTAGE_MS,
        refusedDuringOutage: refused.length,
        ackLatencyP50: latencies[Math.floor(latencies.length / 2)],
        ackLatencyMax: latencies.at(-1),
        closesQueued: 40,
        closesWritten: tp,
        lost: 0,
        uncaught: uncaught.length,
      });
      expect(latencies.at(-1)!).toBeLessThan(10_000);
      expect(uncaught).toEqual([]);
    },
    OUTAGE_MS + 150_000,
  );

  it(`pg_terminate_backend ${TERMINATIONS} times under load: every ack is ok or UNAVAILABLE, nothing acked is lost`, async () => {
    const codes = new Map<string, number>();
    const unacked = new Set<string>();
    let stop = false;
    let price = 100;
    let n = 0;
    const sender = async (lane: number) => {
      while (!stop) {
        const id = `term-${lane}-${n++}`;
        const ack = await send(id, { symbol: 'XRPUSDT', tp: 101, sl: 99 }).catch(() => null);
        const code = ack ? (ack.ok ? 'ok' : ack.error.code) : 'timeout';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (!ack?.ok) unacked.add(id);
        if (ack && !ack.ok) expect(ack.error.message).not.toBe('internal error');
      }
    };
    const ticker = async () => {
      while (!stop) {
        price = price >= 101 ? 100 : 101.5; // alternately above TP: closes every open XRP trade
        await tick('XRPUSDT', price).catch(() => null);
        await new Promise((r) => setTimeout(r, 30));
      }
    };
    const lanes = [...Array.from({ length: 6 }, (_, i) => sender(i)), ticker()];
    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i++) {
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
      terminated += await withAdmin(
        adminUrl(),
        async (k) =>
          (await k.raw('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [db.name]))
            .rows[0].n as number,
      );
    }
    stop = true;
    await Promise.all(lanes);
    await waitFor(() => server.app.engine.pendingCloses === 0, 30_000, 'queued closes written');

    // Which refused signals were stored anyway (a commit whose reply the kill cut off)? Resending settles them.
    const k = openKnex(db.url);
    const storedAnyway = unacked.size ? (await k.raw(`select count(*)::int as n from signals where external_id = any(?)`, [[...unacked]])).rows[0].n : 0;
    await k.destroy();
    for (const id of unacked) expect((await send(id, { symbol: 'XRPUSDT', tp: 101, sl: 99 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await check()).toEqual([]);
    const acks = Object.fromEntries(codes);
    reportLine('outage-terminate', {
      terminations: TERMINATIONS,
      backendsTerminated: terminated,
      acks,
      unackedResent: unacked.size,
      storedDespiteUnavailable: storedAnyway,
      lost: 0,
      uncaught: uncaught.length,
    });
    for (const code of Object.keys(acks)) expect(['ok', 'UNAVAILABLE']).toContain(code);
    expect(terminated).toBeGreaterThan(0);
    expect(uncaught).toEqual([]);
  }, 120_000);
});
