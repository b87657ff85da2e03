// /me on edges: 1 engine + 2 edges. User A on edge 1 gets their snapshot, their own opened/closed
// and live prices (on a symbol no system trade holds) with contiguous seq and resync; user B and a
// public viewer on edge 2, and every public REST read and /metrics there, never see any of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { DeltaJson, SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';
import { call, connectMe, register } from '../users/user-client.ts';
import { clusterUnavailable, createCluster, loudSkip, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/edge-me.test.ts', unavailable);

function contiguous(deltas: DeltaJson[], from: number): void {
  deltas.forEach((d, i) => expect(d.seq, `delta #${i}`).toBe(from + i + 1));
}

describe.skipIf(unavailable !== null)('/me on edges', () => {
  let cluster: Cluster;
  let engineUrl: string;
  let edge1: string;
  let edge2: string;
  let bot: Socket;
  let ts = Date.now();
  const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

  beforeAll(async () => {
    cluster = await createCluster();
    engineUrl = await cluster.start('engine').url;
    [edge1, edge2] = await Promise.all([cluster.start('edge').url, cluster.start('edge').url]);
    bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
  }, 90_000);
  afterAll(async () => {
    bot?.close();
    await cluster?.stop();
  });

  it("user A on edge 1 sees only A's trades, live; user B and the public on edge 2 see none of them", async () => {
    const a = await register(engineUrl, 'anna');
    const b = await register(engineUrl, 'boris');
    await tick('BTCUSDT', 100);
    await tick('DOGEUSDT', 0.2);
    const sys: SignalAck = await bot.emitWithAck('signal', { external_id: 'sys-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 200, sl: 50 });
    if (!sys.ok) throw new Error(JSON.stringify(sys));

    const pub = new Recorder(connectPublic(edge2));
    const meA = new Recorder(connectMe(edge1, a.token));
    const meB = new Recorder(connectMe(edge2, b.token));
    for (const [r, what] of [
      [pub, 'public'],
      [meA, 'A'],
      [meB, 'B'],
    ] as const)
      await r.until(() => r.snapshots.length === 1, 10_000, `${what} snapshot`);
    expect(meA.snapshots[0]!.open_positions).toEqual([]);

    // A's trades: DOGEUSDT has no system trade, so the public stream never prices it.
    const LONG = { symbol: 'DOGEUSDT', direction: 'LONG', entry_price: 0.2, take_profit: 0.3, stop_loss: 0.1 };
    const opened: TradeJson[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(engineUrl, 'POST', '/api/paper-trades', { token: a.token, body: LONG });
      expect(r.status).toBe(201);
      opened.push(r.body as TradeJson);
    }
    const [t1, t2] = opened as [TradeJson, TradeJson, TradeJson]; // the third closes with t1, checked through the counts
    const aIds = new Set(opened.map((t) => t.id));
    const openedOnA = () => new Set(meA.events().flatMap((e) => (e.type === 'opened' ? [e.trade.id] : [])));
    await meA.until(() => [...aIds].every((id) => openedOnA().has(id)), 5000, "A's opens on edge 1");

    await tick('DOGEUSDT', 0.21);
    await tick('DOGEUSDT', 0.22);
    const lastDoge = () => {
      let p: number | undefined;
      for (const e of meA.events()) if (e.type === 'prices' && e.prices.DOGEUSDT) p = e.prices.DOGEUSDT[0];
      return p;
    };
    await meA.until(() => lastDoge() === 0.22, 5000, 'DOGEUSDT prices on /me via edge 1');

    const closed = await call(engineUrl, 'POST', `/api/paper-trades/${t2.id}/close`, { token: a.token });
    expect(closed.status).toBe(200);
    await tick('DOGEUSDT', 0.31); // t1 and t3 hit TP
    const closedOnA = () => new Map(meA.events().flatMap((e) => (e.type === 'closed' ? [[e.trade.id, e.trade.status] as const] : [])));
    await meA.until(() => closedOnA().size === 3, 5000, "A's closes on edge 1");
    expect(closedOnA().get(t2.id)).toBe('CLOSED_MANUAL');
    expect(closedOnA().get(t1.id)).toBe('CLOSED_TP');
    contiguous(meA.deltas, meA.snapshots[0]!.seq);
    expect(new Set(meA.deltas.map((d) => d.epoch))).toEqual(new Set([meA.snapshots[0]!.epoch]));

    // A fourth trade stays open. Resync on edge 1, and a late second socket of A on edge 2: both
    // snapshots equal the engine's own /me snapshot of A, and the next delta continues them.
    const t4 = (await call(engineUrl, 'POST', '/api/paper-trades', { token: a.token, body: { ...LONG, entry_price: 0.3, take_profit: 0.4, stop_loss: 0.2 } }))
      .body as TradeJson;
    aIds.add(t4.id);
    await meA.until(() => openedOnA().has(t4.id), 5000, 't4 on edge 1');
    meA.socket.emit('resync');
    await meA.until(() => meA.snapshots.length === 2, 5000, 'resync snapshot');
    const lateA = new Recorder(connectMe(edge2, a.token));
    const onEngine = new Recorder(connectMe(engineUrl, a.token));
    await lateA.until(() => lateA.snapshots.length === 1, 10_000, "A's late snapshot on edge 2");
    await onEngine.until(() => onEngine.snapshots.length === 1, 5000, "A's snapshot on the engine");
    const engineSnap = onEngine.snapshots[0]!;
    for (const snap of [meA.snapshots[1]!, lateA.snapshots[0]!]) {
      expect(snap.epoch).toBe(engineSnap.epoch);
      expect(snap.open_positions).toEqual(engineSnap.open_positions);
      expect(snap.recent_closed).toEqual(engineSnap.recent_closed);
      expect(snap.prices).toEqual(engineSnap.prices);
      const { unrealized_profit_loss: ue, ...restEngine } = engineSnap.summary;
      const { unrealized_profit_loss: u, ...rest } = snap.summary;
      expect(rest).toEqual(restEngine);
      expect(u).toBeCloseTo(ue, 5);
    }
    expect(lateA.snapshots[0]!.open_positions.map((t) => t.id)).toEqual([t4.id]);
    expect(lateA.snapshots[0]!.summary).toMatchObject({ total_trades: 4, closed_trades: 3, open_trades: 1 });
    await tick('DOGEUSDT', 0.32);
    await lateA.until(() => lateA.deltas.length > 0, 5000, 'delta after the late snapshot');
    expect(lateA.deltas[0]!.seq).toBe(lateA.snapshots[0]!.seq + 1);
    await meA.until(() => meA.deltas.at(-1)!.seq >= lateA.deltas[0]!.seq, 5000, 'edge 1 caught up');
    contiguous(
      meA.deltas.filter((d) => d.seq > meA.snapshots[1]!.seq),
      meA.snapshots[1]!.seq,
    );

    // The wall, across processes: B and the public viewer on edge 2 got nothing of A's.
    const leaks = (frames: string[]) => frames.filter((f) => f.includes('DOGEUSDT'));
    expect(meB.events().filter((e) => e.type === 'opened' || e.type === 'closed')).toEqual([]);
    expect(leaks(meB.raw)).toEqual([]);
    expect(leaks(pub.raw)).toEqual([]);
    for (const e of pub.events()) if (e.type === 'opened' || e.type === 'closed') expect(aIds.has(e.trade.id)).toBe(false);
    // The system trade reaches the public viewer once: in its snapshot, or (when edge 2's mirror
    // had not yet applied the engine's announce as the viewer joined) as one opened delta after it.
    const openedOnPub = pub.events().flatMap((e) => (e.type === 'opened' ? [e.trade.id] : []));
    expect([...pub.snapshots[0]!.open_positions.map((t) => t.id), ...openedOnPub]).toEqual([sys.trade_id]);
    for (const path of [
      '/api/public/paper-trading/?page_size=100',
      '/api/public/paper-trading/summary/',
      '/api/public/paper-trading/open-positions/',
      '/api/public/paper-trading/performance/',
      '/metrics',
    ]) {
      for (const url of [edge1, edge2]) {
        const text = await (await fetch(`${url}${path}`)).text();
        expect(text, `${url}${path}`).not.toContain('DOGEUSDT');
      }
    }
    const summary = (await (await fetch(`${edge2}/api/public/paper-trading/summary/`)).json()) as {
      performance: { total_trades: number; closed_trades: number };
    };
    expect(summary.performance).toMatchObject({ total_trades: 1, closed_trades: 0 });
    const list = (await (await fetch(`${edge1}/api/public/paper-trading/?page_size=100`)).json()) as { count: number; results: TradeJson[] };
    expect(list.results.map((t) => t.id)).toEqual([sys.trade_id]);
    // B's own stream on edge 2 is still B's: empty, live.
    expect(meB.snapshots[0]!.summary.total_trades).toBe(0);
    // An unauthenticated /me on an edge is refused.
    const anon = connectMe(edge2, 'not-a-token-at-all');
    const refused = await new Promise<string>((r) => anon.once('connect_error', (e) => r(e.message)));
    expect(refused).toBe('unauthorized');

    for (const r of [pub, meA, meB, lateA, onEngine]) r.socket.close();
    anon.close();
  }, 90_000);
});
