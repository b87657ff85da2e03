// Stream client protocol logic, fed through a tiny fake emitter (no network, no DOM).
import { describe, expect, it, vi } from 'vitest';
import type { DeltaEvent, DeltaJson, SnapshotJson, SummaryJson, TradeJson } from '../../shared/protocol-types.ts';
import { livePnl, SERVER_DISCONNECT_RETRY_MS, StreamClient, totalUnrealized, type PublicSocket, type StreamBatch } from '../../shared/stream-client.ts';
import { unrealizedPnl } from '../../shared/trade-math.ts';
import { withSingleTarget, type PlainTradeJson } from '../helpers/plan-fields.ts';

class FakeSocket {
  handlers = new Map<string, Array<(...a: unknown[]) => void>>();
  emitted: string[] = [];
  connected = false;
  on(ev: string, fn: (...a: unknown[]) => void) {
    this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), fn]);
    return this;
  }
  off(ev: string, fn: (...a: unknown[]) => void) {
    this.handlers.set(
      ev,
      (this.handlers.get(ev) ?? []).filter((f) => f !== fn),
    );
    return this;
  }
  emit(ev: string) {
    this.emitted.push(ev);
    return this;
  }
  connect() {
    this.connected = true;
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  /** Server → client. */
  fire(ev: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(ev) ?? []) fn(...args);
  }
}

const summary = (over: Partial<SummaryJson> = {}): SummaryJson => ({
  total_trades: 0,
  open_trades: 0,
  closed_trades: 0,
  profitable_trades: 0,
  losing_trades: 0,
  breakeven_trades: 0,
  win_rate: 0,
  total_profit_loss: 0,
  avg_profit_loss: 0,
  unrealized_profit_loss: 0,
  profit_factor: null,
  max_drawdown: 0,
  total_fees: 0,
  ...over,
});

let nextId = 1;
function trade(over: Partial<TradeJson> = {}): TradeJson {
  const t: PlainTradeJson = {
    id: nextId++,
    signal_id: null,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    market_type: 'SPOT',
    timeframe: '1h',
    confidence: 0.5,
    leverage: 1,
    entry_price: 100,
    entry_time: '2024-01-01T00:00:00.000Z',
    position_size: 100,
    quantity: 1,
    take_profit: 110,
    stop_loss: 95,
    status: 'OPEN',
    exit_price: null,
    exit_time: null,
    fees: null,
    profit_loss: null,
    profit_loss_percentage: null,
    price_gap: false,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...over,
  };
  return withSingleTarget(t);
}

function snapshot(over: Partial<SnapshotJson> = {}): SnapshotJson {
  return {
    epoch: 'e1',
    seq: 10,
    server_time: '2024-01-01T00:00:00.000Z',
    fee_rate: 0.001,
    summary: summary(),
    open_positions: [],
    recent_closed: [],
    prices: {},
    ...over,
  };
}

const delta = (seq: number, events: DeltaEvent[], epoch = 'e1'): DeltaJson => ({ epoch, seq, events });

function setup() {
  const socket = new FakeSocket();
  const client = new StreamClient(socket as unknown as PublicSocket);
  const batches: StreamBatch[] = [];
  client.subscribe((b) => batches.push(b));
  client.start();
  return { socket, client, batches };
}

describe('StreamClient', () => {
  it('starts connecting, goes live on the snapshot and holds its state', () => {
    const { socket, client, batches } = setup();
    expect(socket.connected).toBe(true);
    expect(client.status).toBe('connecting');
    const open = trade();
    socket.fire('snapshot', snapshot({ open_positions: [open], prices: { BTCUSDT: { price: 101, ts: 5 } } }));
    expect(client.status).toBe('live');
    expect(client.epoch).toBe('e1');
    expect(client.seq).toBe(10);
    expect([...client.openPositions.keys()]).toEqual([open.id]);
    expect(client.prices.get('BTCUSDT')).toEqual({ price: 101, ts: 5, stale: false });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ snapshot: true, status: true, summary: true });
  });

  it('applies opened, closed, prices, stale and summary events in order', () => {
    const { socket, client, batches } = setup();
    socket.fire('snapshot', snapshot());
    const t = trade({ symbol: 'ETHUSDT' });
    socket.fire('delta', delta(11, [{ type: 'opened', trade: t }]));
    expect(client.openPositions.has(t.id)).toBe(true);
    socket.fire('delta', delta(12, [{ type: 'prices', prices: { ETHUSDT: [105, 1000] }, stale: ['SOLUSDT'] }]));
    expect(client.prices.get('ETHUSDT')).toEqual({ price: 105, ts: 1000, stale: false });
    expect(client.prices.get('SOLUSDT')?.stale).toBe(true);
    socket.fire('delta', delta(13, [{ type: 'prices', prices: {}, stale: ['ETHUSDT'] }]));
    expect(client.prices.get('ETHUSDT')?.stale).toBe(true);
    socket.fire('delta', delta(14, [{ type: 'prices', prices: { ETHUSDT: [106, 2000] } }]));
    expect(client.prices.get('ETHUSDT')?.stale).toBe(false); // a new price clears stale
    const closed = { ...t, status: 'CLOSED_TP' as const, exit_price: 110, profit_loss: 9.79 };
    socket.fire(
      'delta',
      delta(15, [
        { type: 'closed', trade: closed },
        { type: 'summary', summary: summary({ closed_trades: 1 }) },
      ]),
    );
    expect(client.openPositions.has(t.id)).toBe(false);
    expect(client.recentClosed[0]).toEqual(closed);
    expect(client.summary?.closed_trades).toBe(1);
    expect(client.seq).toBe(15);
    expect(batches.at(-1)).toMatchObject({ closed: [closed], summary: true, snapshot: false });
    expect(batches[2]?.ticks).toEqual([{ symbol: 'ETHUSDT', price: 105, ts: 1000 }]);
  });

  it('keeps at most 50 recent closed trades, newest first', () => {
    const { socket, client } = setup();
    socket.fire('snapshot', snapshot({ seq: 0 }));
    for (let i = 1; i <= 60; i++) {
      socket.fire('delta', delta(i, [{ type: 'closed', trade: trade({ status: 'CLOSED_SL' }) }]));
    }
    expect(client.recentClosed).toHaveLength(50);
    expect(client.recentClosed[0]!.id).toBeGreaterThan(client.recentClosed[1]!.id);
  });

  it('on a seq gap emits resync once and ignores deltas until the next snapshot', () => {
    const { socket, client } = setup();
    socket.fire('snapshot', snapshot());
    socket.fire('delta', delta(12, [{ type: 'opened', trade: trade() }]));
    expect(client.gaps).toBe(1);
    expect(client.resyncs).toBe(1);
    expect(socket.emitted).toEqual(['resync']);
    expect(client.status).toBe('resyncing');
    expect(client.openPositions.size).toBe(0);
    socket.fire('delta', delta(13, [{ type: 'opened', trade: trade() }]));
    expect(socket.emitted).toEqual(['resync']);
    expect(client.openPositions.size).toBe(0);
    const t = trade();
    socket.fire('snapshot', snapshot({ seq: 13, open_positions: [t] }));
    expect(client.status).toBe('live');
    expect([...client.openPositions.keys()]).toEqual([t.id]);
    socket.fire('delta', delta(14, [{ type: 'closed', trade: { ...t, status: 'CLOSED_TP' } }]));
    expect(client.openPositions.size).toBe(0);
  });

  it('treats a new epoch in a delta as a resync, not a gap', () => {
    const { socket, client } = setup();
    socket.fire('snapshot', snapshot());
    socket.fire('delta', delta(1, [], 'e2'));
    expect(client.resyncs).toBe(1);
    expect(client.gaps).toBe(0);
    expect(client.status).toBe('resyncing');
    socket.fire('snapshot', snapshot({ epoch: 'e2', seq: 1 }));
    expect(client.epoch).toBe('e2');
    expect(client.status).toBe('live');
  });

  it('drops duplicate or old deltas silently', () => {
    const { socket, client } = setup();
    socket.fire('snapshot', snapshot());
    socket.fire('delta', delta(10, [{ type: 'opened', trade: trade() }]));
    socket.fire('delta', delta(9, [{ type: 'opened', trade: trade() }]));
    expect(client.openPositions.size).toBe(0);
    expect(client.resyncs).toBe(0);
  });

  it('applies contiguous deltas buffered before the first snapshot, dropping covered ones', () => {
    const { socket, client } = setup();
    const a = trade();
    const b = trade();
    socket.fire('delta', delta(10, [{ type: 'opened', trade: a }])); // covered by the snapshot
    socket.fire('delta', delta(11, [{ type: 'opened', trade: b }]));
    expect(client.openPositions.size).toBe(0);
    socket.fire('snapshot', snapshot({ seq: 10, open_positions: [a] }));
    expect([...client.openPositions.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(client.seq).toBe(11);
    expect(client.resyncs).toBe(0);
  });

  it('resyncs when buffered deltas are not contiguous with the snapshot', () => {
    const { socket, client } = setup();
    socket.fire('delta', delta(13, [{ type: 'opened', trade: trade() }]));
    socket.fire('snapshot', snapshot({ seq: 10 }));
    expect(client.gaps).toBe(1);
    expect(client.status).toBe('resyncing');
    expect(client.openPositions.size).toBe(0);
  });

  it('on reconnect the fresh snapshot replaces state without duplicates', () => {
    const { socket, client } = setup();
    const a = trade();
    const closed = trade({ status: 'CLOSED_TP' });
    socket.fire('snapshot', snapshot({ open_positions: [a], recent_closed: [closed] }));
    socket.fire('disconnect', 'transport close');
    expect(client.status).toBe('reconnecting');
    socket.fire('delta', delta(11, [{ type: 'opened', trade: trade() }])); // stale, from before
    socket.fire('connect');
    expect(client.status).toBe('reconnecting');
    socket.fire('snapshot', snapshot({ seq: 20, open_positions: [a], recent_closed: [closed] }));
    expect(client.status).toBe('live');
    expect(client.openPositions.size).toBe(1);
    expect(client.recentClosed).toHaveLength(1);
    expect(client.seq).toBe(20);
  });

  it('reconnects by itself after a server-side disconnect', () => {
    vi.useFakeTimers();
    try {
      const { socket, client } = setup();
      socket.fire('snapshot', snapshot());
      socket.disconnect();
      socket.fire('disconnect', 'io server disconnect');
      expect(client.status).toBe('reconnecting');
      expect(socket.connected).toBe(false);
      vi.advanceTimersByTime(SERVER_DISCONNECT_RETRY_MS);
      expect(socket.connected).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('batches notifications through the given scheduler', () => {
    const socket = new FakeSocket();
    const queue: Array<() => void> = [];
    const client = new StreamClient(socket as unknown as PublicSocket, { schedule: (f) => queue.push(f) });
    const batches: StreamBatch[] = [];
    const unsubscribe = client.subscribe((b) => batches.push(b));
    client.start();
    socket.fire('snapshot', snapshot());
    socket.fire('delta', delta(11, [{ type: 'prices', prices: { BTCUSDT: [1, 1] } }]));
    socket.fire('delta', delta(12, [{ type: 'prices', prices: { BTCUSDT: [2, 2] } }]));
    expect(batches).toHaveLength(0);
    expect(queue).toHaveLength(1);
    queue.shift()!();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.snapshot).toBe(true);
    expect(batches[0]!.ticks.map((t) => t.price)).toEqual([1, 2]);
    unsubscribe();
    socket.fire('delta', delta(13, [{ type: 'prices', prices: { BTCUSDT: [3, 3] } }]));
    queue.shift()!();
    expect(batches).toHaveLength(1);
  });

  it('stop() detaches listeners and disconnects', () => {
    const { socket, client } = setup();
    client.stop();
    expect(socket.connected).toBe(false);
    socket.fire('snapshot', snapshot());
    expect(client.status).toBe('connecting');
  });
});

describe('live P/L helpers', () => {
  it('use the shared trade math with the exit fee', () => {
    const long = trade({ direction: 'LONG', entry_price: 100, quantity: 1, position_size: 100 });
    const short = trade({ direction: 'SHORT', symbol: 'ETHUSDT', entry_price: 100, quantity: 1, position_size: 100 });
    const expected = unrealizedPnl({ direction: 'LONG', entryPrice: 100, quantity: 1, positionSize: 100 }, 110, 0.001);
    expect(livePnl(long, 110, 0.001)).toEqual(expected);
    expect(livePnl(long, 110, 0.001).profitLoss).toBeCloseTo(10 - 0.21, 8);
    const prices = new Map([
      ['BTCUSDT', { price: 110, ts: 1, stale: false }],
      ['ETHUSDT', { price: 90, ts: 1, stale: false }],
    ]);
    const sum = totalUnrealized([long, short], prices, 0.001);
    expect(sum.priced).toBe(2);
    expect(sum.total).toBeCloseTo(9.79 + 9.81, 8);
  });

  it('reads a fee rate from the snapshot when the server sends one', () => {
    const { socket, client } = setup();
    expect(client.feeRate).toBe(0.001);
    socket.fire('snapshot', { ...snapshot(), fee_rate: 0.0005 });
    expect(client.feeRate).toBe(0.0005);
  });
});
