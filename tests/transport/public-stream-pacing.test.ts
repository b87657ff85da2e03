// Price pacing of the public stream with fake time: a price-only delta waits a full interval after
// the previous delta of any kind (event deltas carry pending prices), goes out at once after a
// quiet spell, and seq stays contiguous.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeltaJson, SummaryJson, TradeJson } from '../../shared/protocol-types.ts';
import { PublicStream, STREAM_ROOM } from '../../server/transport/socket/public-stream.ts';

interface Sent {
  at: number;
  seq: number;
  types: string[];
}

function makeStream(intervalMs: number): { stream: PublicStream; sent: Sent[] } {
  const summary = {} as SummaryJson;
  const sent: Sent[] = [];
  const stream = new PublicStream(
    {
      snapshotState: () => ({ summary, open_positions: [], recent_closed: [], prices: {}, fee_rate: 0.001 }),
      summary: () => summary,
      ticker: () => ({}) as never,
    },
    {
      emitToRoom: (room, event, payload) => {
        if (room !== STREAM_ROOM || event !== 'delta') return;
        const d = payload as DeltaJson;
        sent.push({ at: Date.now(), seq: d.seq, types: d.events.map((e) => e.type) });
      },
    },
    { broadcastIntervalMs: intervalMs, tickerIntervalMs: 3_600_000, now: () => Date.now() },
  );
  return { stream, sent };
}

describe('public stream price pacing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first price at once, then at most one price delta per interval', async () => {
    const { stream, sent } = makeStream(100);
    stream.start();
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) {
      stream.price('BTCUSDT', 100 + i, Date.now());
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(200);
    stream.stop();
    expect(sent[0]!.at - t0).toBeLessThanOrEqual(1);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100);
      expect(sent[i]!.seq).toBe(sent[i - 1]!.seq + 1);
    }
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.length).toBeLessThanOrEqual(11);
  });

  it('an opened delta carries pending prices; the next price-only delta waits a full interval after it', async () => {
    const { stream, sent } = makeStream(100);
    stream.start();
    stream.price('BTCUSDT', 100, Date.now());
    await vi.advanceTimersByTimeAsync(5); // first price: out at once
    await vi.advanceTimersByTimeAsync(45);
    stream.price('BTCUSDT', 101, Date.now());
    await vi.advanceTimersByTimeAsync(30);
    stream.opened({ id: 1 } as TradeJson, null);
    await vi.advanceTimersByTimeAsync(0);
    const openedAt = Date.now();
    stream.price('BTCUSDT', 102, Date.now());
    await vi.advanceTimersByTimeAsync(300);
    stream.stop();
    expect(sent.map((s) => s.types)).toEqual([['prices'], ['prices', 'opened', 'summary'], ['prices']]);
    expect(sent[2]!.at - openedAt).toBeGreaterThanOrEqual(100);
    expect(sent[2]!.at - openedAt).toBeLessThanOrEqual(101);
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });
});

describe('public stream price pacing under a slow fan-out', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('while signals are ingested, a price-only delta waits twice the last fan-out when that is longer than the interval', async () => {
    const summary = {} as SummaryJson;
    const sent: number[] = [];
    const stream = new PublicStream(
      {
        snapshotState: () => ({ summary, open_positions: [], recent_closed: [], prices: {}, fee_rate: 0.001 }),
        summary: () => summary,
        ticker: () => ({}) as never,
        busy: () => true,
      },
      {
        emitToRoom: (_room, event) => {
          if (event !== 'delta') return;
          sent.push(Date.now());
          vi.setSystemTime(Date.now() + 300); // writing to every viewer takes 300 ms
        },
      },
      { broadcastIntervalMs: 100, tickerIntervalMs: 3_600_000, now: () => Date.now() },
    );
    stream.start();
    for (let i = 0; i < 200; i++) {
      stream.price('BTCUSDT', 100 + i, Date.now());
      await vi.advanceTimersByTimeAsync(10);
    }
    stream.stop();
    expect(stream.fanoutMs).toBeGreaterThanOrEqual(300);
    expect(stream.fanoutMs).toBeLessThan(320);
    expect(sent.length).toBeGreaterThan(2);
    // emit at t, writes until t+300, next price-only delta not before t+600
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(600);
  });
});
