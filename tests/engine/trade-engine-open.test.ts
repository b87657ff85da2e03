// TradeEngine's decisions on the way in, against in-memory fakes of its ports (no server, no
// PostgreSQL): a signal opens a trade at its entry (ENTRY_MODE=signal) or waits PENDING until the
// price touches it (touch); a resend is acknowledged as a duplicate; an unreachable store stores and
// announces nothing; and nothing is announced before the store's commit.
import { describe, expect, it } from 'vitest';
import { PUBLIC_SCOPE } from '../../server/privacy/trade-scope.ts';
import { UnavailableError } from '../../server/errors.ts';
import { BOT, engineFixture, settle, signal, T0 } from './fakes/engine-fixture.ts';

describe('TradeEngine: a signal in', () => {
  it('opens the trade at the signal entry, stores it, then announces it (ENTRY_MODE=signal)', async () => {
    const f = engineFixture();
    const ack = await f.engine.ingestSignal(signal(), BOT);
    expect(ack).toEqual({ ok: true, signal_id: 1, trade_id: 1, duplicate: false });
    const stored = f.store.stored(1)!;
    expect(stored).toMatchObject({ status: 'OPEN', entry_price: 100, entry_time: new Date(T0).toISOString(), position_size: 100, quantity: 1 });
    expect(f.seen).toEqual([{ kind: 'opened', trade: stored, userId: null }]);
    // The snapshot's form of the open trade is the stored row's, byte for byte.
    expect(JSON.stringify(f.engine.openTrades(PUBLIC_SCOPE))).toBe(JSON.stringify([stored]));
    expect(f.engine.hasPublicTrades('BTCUSDT')).toBe(true);
    expect(f.publicState.summary(0).open_trades).toBe(1);
  });

  it('waits PENDING in touch mode and opens at the entry when the price touches it', async () => {
    const f = engineFixture({ entryMode: 'touch' });
    f.engine.tick('BTCUSDT', 103, f.now); // the price is above a LONG's entry of 100
    await f.engine.ingestSignal(signal(), BOT);
    expect(f.store.stored(1)?.status).toBe('PENDING');
    expect(f.seen.map((e) => [e.kind, e.trade.status])).toEqual([['opened', 'PENDING']]);
    expect(f.engine.tick('BTCUSDT', 101, f.advance(1_000))).toBe(0); // not yet
    expect(f.engine.openTrade(1)?.trade.status).toBe('PENDING');

    const touchedAt = f.advance(1_000);
    expect(f.engine.tick('BTCUSDT', 99.5, touchedAt)).toBe(0); // crossed the entry: filled, not closed
    const opened = f.seen[1]!;
    expect(opened).toMatchObject({ kind: 'opened', userId: null, trade: { id: 1, status: 'OPEN', entry_price: 100 } });
    expect(opened.trade.entry_time).toBe(new Date(touchedAt).toISOString());
    await settle();
    expect(f.store.journal).toContain('activate:1');
    expect(f.store.stored(1)).toMatchObject({ status: 'OPEN', entry_time: new Date(touchedAt).toISOString() });
    // Open now: it closes on its levels like any other.
    expect(f.engine.tick('BTCUSDT', 110, f.advance(1_000))).toBe(1);
    await settle();
    expect(f.store.stored(1)?.status).toBe('CLOSED_TP');
  });

  it('cancels a pending trade whose TP or SL is crossed before its entry', async () => {
    const f = engineFixture({ entryMode: 'touch' });
    f.engine.tick('BTCUSDT', 103, f.now);
    await f.engine.ingestSignal(signal(), BOT);
    f.engine.tick('BTCUSDT', 111, f.advance(1_000)); // TP crossed while still waiting
    await settle();
    expect(f.store.stored(1)).toMatchObject({ status: 'CANCELLED', fees: 0, profit_loss: 0 });
    expect(f.seen.map((e) => [e.kind, e.trade.status])).toEqual([
      ['opened', 'PENDING'],
      ['closed', 'CANCELLED'],
    ]);
    expect(f.engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
  });

  it('acknowledges a resend (same source and external_id) as a duplicate: one trade, one announcement', async () => {
    const f = engineFixture();
    const first = await f.engine.ingestSignal(signal(), BOT);
    const again = await f.engine.ingestSignal(signal({ entry: 101, tp: 111 }), BOT);
    expect(again).toEqual({ ok: true, signal_id: first.ok ? first.signal_id : -1, trade_id: 1, duplicate: true });
    expect(f.store.trades.size).toBe(1);
    expect(f.seen).toHaveLength(1);
    expect(f.engine.openTrades(PUBLIC_SCOPE).map((t) => t.entry_price)).toEqual([100]);
    // Another bot's signal with the same external_id is its own signal.
    const other = await f.engine.ingestSignal(signal(), { ...BOT, name: 'beta' });
    expect(other).toMatchObject({ duplicate: false, trade_id: 2 });
  });

  it('answers UnavailableError when the store is down, storing and announcing nothing', async () => {
    const f = engineFixture();
    f.store.down = true;
    await expect(f.engine.ingestSignal(signal(), BOT)).rejects.toBeInstanceOf(UnavailableError);
    expect(f.engine.ingestsInFlight).toBe(0);
    expect(f.store.signals).toHaveLength(0);
    expect(f.seen).toEqual([]);
    expect(f.engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
    expect(f.engine.watchedKeys().size).toBe(0);
    // Once it is back, the same signal goes in as new (nothing was half-stored).
    f.store.down = false;
    expect(await f.engine.ingestSignal(signal(), BOT)).toMatchObject({ duplicate: false, trade_id: 1 });
  });

  it('announces an opened trade only after the store has committed it', async () => {
    const f = engineFixture();
    const hold = f.store.hold();
    const ack = f.engine.ingestSignal(signal(), BOT);
    await settle();
    expect(f.engine.ingestsInFlight).toBe(1);
    expect(f.seen).toEqual([]);
    expect(f.engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
    hold.release();
    await ack;
    expect(f.store.journal).toEqual(['ingest:1', 'opened:1']);
  });
});
