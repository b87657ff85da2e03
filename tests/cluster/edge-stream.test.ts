// 1 engine + 2 edges on loopback: a signal pushed to the engine reaches viewers on both edges
// quickly, with contiguous seq, and a viewer joining either edge gets a snapshot that continues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeltaJson, SignalAck } from '../../shared/protocol-types.ts';
import { connectBot, connectPublic, connected, once, Recorder, waitFor } from '../helpers/sockets.ts';
import { clusterUnavailable, createCluster, loudSkip, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/edge-stream.test.ts', unavailable);

function contiguous(deltas: DeltaJson[], from: number): void {
  deltas.forEach((d, i) => expect(d.seq, `delta #${i}`).toBe(from + i + 1));
}

describe.skipIf(unavailable !== null)('edges relay the engine stream', () => {
  let cluster: Cluster;
  let engineUrl: string;
  let edgeA: string;
  let edgeB: string;

  beforeAll(async () => {
    cluster = await createCluster();
    engineUrl = await cluster.start('engine').url;
    [edgeA, edgeB] = await Promise.all([cluster.start('edge').url, cluster.start('edge').url]);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a signal pushed to the engine reaches a viewer on edge A within ~100 ms, seq contiguous on both edges', async () => {
    const a = new Recorder(connectPublic(edgeA));
    const b = new Recorder(connectPublic(edgeB));
    await a.until(() => a.snapshots.length === 1, 10_000, 'snapshot on edge A');
    await b.until(() => b.snapshots.length === 1, 10_000, 'snapshot on edge B');
    const bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
    await bot.emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 100, ts: Date.now() }] });

    // Arrival time at edge A of each opened trade, by signal id (the delta may beat the ack).
    const openedAt = new Map<number, number>();
    a.socket.on('delta', (d: DeltaJson) => {
      for (const e of d.events) if (e.type === 'opened' && e.trade.signal_id !== null) openedAt.set(e.trade.signal_id, performance.now());
    });
    const latencies: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const sent = performance.now();
      const ack: SignalAck = await bot.emitWithAck('signal', {
        external_id: `lat-${i}`,
        symbol: 'BTCUSDT',
        direction: 'LONG',
        entry: 100,
        tp: 110 + i,
        sl: 90,
      });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      ids.push(ack.trade_id!);
      await waitFor(() => openedAt.has(ack.signal_id), 5000, 'opened delta on edge A');
      latencies.push(openedAt.get(ack.signal_id)! - sent);
    }
    latencies.sort((x, y) => x - y);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    const max = latencies[latencies.length - 1]!;
    console.log(
      `[cluster] signal → viewer on edge A: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${latencies.length} signals (includes the DB commit)`,
    );
    expect(p50).toBeLessThan(100);
    expect(max).toBeLessThan(1000);

    await b.until(() => b.events().filter((e) => e.type === 'opened').length >= 30, 5000, 'edge B saw every open');
    contiguous(a.deltas, a.snapshots[0]!.seq);
    contiguous(b.deltas, b.snapshots[0]!.seq);
    expect(a.deltas[0]!.epoch).toBe(a.snapshots[0]!.epoch);
    expect(b.snapshots[0]!.epoch).toBe(a.snapshots[0]!.epoch);

    // A late viewer on either edge: a snapshot holding every open, continued by the next delta.
    await bot.emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 101, ts: Date.now() }] });
    for (const url of [edgeA, edgeB]) {
      const late = new Recorder(connectPublic(url));
      await late.until(() => late.snapshots.length === 1, 5000, 'late snapshot');
      const snap = late.snapshots[0]!;
      expect(snap.open_positions.map((t) => t.id).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
      await bot.emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 102 + Math.random(), ts: Date.now() }] });
      await late.until(() => late.deltas.length > 0, 5000, 'delta after the late snapshot');
      expect(late.deltas[0]!.seq).toBe(snap.seq + 1);
      late.socket.close();
    }

    // REST on an edge: live figures from the mirror, list from PostgreSQL.
    const open = (await (await fetch(`${edgeB}/api/public/paper-trading/open-positions/`)).json()) as Array<{ id: number; current_price: number | null }>;
    expect(open.length).toBe(30);
    expect(open.every((p) => p.current_price !== null)).toBe(true);
    const list = (await (await fetch(`${edgeB}/api/public/paper-trading/?page_size=100`)).json()) as { count: number };
    expect(list.count).toBe(30);
    const engineSummary = (await (await fetch(`${engineUrl}/api/public/paper-trading/summary/`)).json()) as { performance: unknown };
    const edgeSummary = (await (await fetch(`${edgeA}/api/public/paper-trading/summary/`)).json()) as { performance: unknown };
    // Unrealised P/L: the engine sums per symbol, the mirror per trade (shared math): equal to ~1e-6.
    const { unrealized_profit_loss: ue, ...restEngine } = engineSummary.performance as Record<string, number>;
    const { unrealized_profit_loss: ua, ...restEdge } = edgeSummary.performance as Record<string, number>;
    expect(restEdge).toEqual(restEngine);
    expect(ua!).toBeCloseTo(ue!, 5);
    // Every signal door (JSON, text, TradingView) on an edge says where to go; nothing is stored.
    for (const path of ['/api/signals', '/api/signals/text', '/api/webhooks/tradingview/some-token']) {
      const misrouted = await fetch(`${edgeA}${path}`, { method: 'POST', body: '{}' });
      expect([path, misrouted.status, ((await misrouted.json()) as { error: { code: string } }).error.code]).toEqual([path, 503, 'UNAVAILABLE']);
    }

    bot.close();
    a.socket.close();
    b.socket.close();
  }, 60_000);

  it('ticker-only viewers on an edge get ticker frames relayed from the engine', async () => {
    const t = new Recorder(connectPublic(edgeB, { channels: ['ticker'] }));
    const first = await once<{ open_trades: number }>(t.socket, 'ticker');
    expect(first.open_trades).toBe(30);
    const bot = connectBot(engineUrl, cluster.botToken);
    await connected(bot);
    await bot.emitWithAck('signal', { external_id: 'ticker-1', symbol: 'ETHUSDT', direction: 'SHORT', entry: 100, tp: 90, sl: 110 });
    await waitFor(() => t.tickers.some((x) => x.open_trades === 31), 5000, 'relayed ticker');
    expect(t.deltas).toHaveLength(0);
    bot.close();
    t.socket.close();
  });

  it('a bot stream (SPEC §11 auth {bot}) is the engine’s: an edge refuses it with a clear reason', async () => {
    const s = connectPublic(edgeB, { bot: 'default' });
    expect(await new Promise<string>((r) => s.once('connect_error', (e) => r(e.message)))).toBe(
      'this node serves no per-bot stream (an edge: read the bot from REST, or its ticker)',
    );
    s.close();
  });
});
