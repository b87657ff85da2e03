// TradeEngine's decisions on the way out, against in-memory fakes of its ports: TP and SL closes
// from ticks, each close written once and announced once (a close another process wrote first is
// not announced again), a bot's cancel of an active signal, and expiry of open and pending trades.
import { describe, expect, it } from 'vitest';
import { PUBLIC_SCOPE } from '../../server/privacy/trade-scope.ts';
import { ConflictError } from '../../server/errors.ts';
import { BOT, engineFixture, settle, signal } from './fakes/engine-fixture.ts';

describe('TradeEngine: a trade out', () => {
  it('closes at TP on a tick, writes the close once and announces it once, after the commit', async () => {
    const f = engineFixture();
    await f.engine.ingestSignal(signal(), BOT);
    const hold = f.store.hold();
    const at = f.advance(60_000);
    expect(f.engine.tick('BTCUSDT', 112, at)).toBe(1);
    await settle();
    // Closed in the book, not yet in the database: still open to everyone else, nothing announced.
    expect(f.seen.map((e) => e.kind)).toEqual(['opened']);
    expect(f.engine.openTrade(1)?.trade.status).toBe('OPEN');
    expect(f.engine.pendingCloses).toBe(1);
    hold.release();
    await settle();
    const closed = f.seen[1]!;
    expect(closed.kind).toBe('closed');
    expect(closed.trade).toMatchObject({ id: 1, status: 'CLOSED_TP', exit_price: 110, exit_time: new Date(at).toISOString() });
    expect(closed.trade).toEqual({ ...f.store.stored(1)!, updated_at: closed.trade.updated_at });
    expect(f.store.journal).toEqual(['ingest:1', 'opened:1', 'close:1', 'closed:1']);
    // Later ticks through the levels close nothing more.
    expect(f.engine.tick('BTCUSDT', 120, f.advance(1_000))).toBe(0);
    expect(f.engine.tick('BTCUSDT', 90, f.advance(1_000))).toBe(0);
    await settle();
    expect(f.store.journal.filter((j) => j.startsWith('close'))).toEqual(['close:1', 'closed:1']);
    expect(f.engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
    expect(f.engine.watchedKeys().size).toBe(0);
    expect(f.publicState.summary(0)).toMatchObject({ open_trades: 0, closed_trades: 1, profitable_trades: 1 });
  });

  it('closes at SL on a tick, a gap through the stop filled at the tick', async () => {
    const f = engineFixture();
    await f.engine.ingestSignal(signal({ direction: 'SHORT', tp: 90, sl: 105 }), BOT);
    expect(f.engine.tick('BTCUSDT', 107, f.advance(1_000))).toBe(1);
    await settle();
    expect(f.seen[1]?.trade).toMatchObject({ status: 'CLOSED_SL', exit_price: 107 });
    expect(f.store.stored(1)).toMatchObject({ status: 'CLOSED_SL', exit_price: 107 });
    expect(f.seen[1]!.trade.profit_loss).toBeLessThan(0);
  });

  it('does not announce a close another process wrote first (the guarded close returned false)', async () => {
    const f = engineFixture();
    await f.engine.ingestSignal(signal(), BOT);
    // Another engine closed it manually; ours still holds it open.
    const foreign = {
      id: 1,
      status: 'CLOSED_MANUAL' as const,
      exitPrice: 104,
      exitTime: new Date(f.advance(1_000)),
      fees: 0.2,
      profitLoss: 3.8,
      profitLossPercentage: 3.8,
      priceGap: false,
    };
    expect(await f.store.closeTrade(foreign)).toBe(true);
    expect(f.engine.tick('BTCUSDT', 111, f.advance(1_000))).toBe(1);
    await settle();
    await settle();
    expect(f.seen.map((e) => e.kind)).toEqual(['opened']);
    expect(f.store.stored(1)).toMatchObject({ status: 'CLOSED_MANUAL', exit_price: 104 });
    expect(f.store.journal.filter((j) => j.startsWith('close'))).toEqual(['close:1']);
    expect(f.engine.openTrades(PUBLIC_SCOPE)).toEqual([]);
    // The live summary takes the database's close, not ours.
    expect(f.publicState.summary(0)).toMatchObject({ closed_trades: 1, total_profit_loss: 3.8 });
    await expect(f.engine.closeManually(1, 'CLOSED_MANUAL')).rejects.toBeInstanceOf(ConflictError);
  });

  it('cancels an active signal: its open trade closes CLOSED_MANUAL at the last price, the signal CANCELLED', async () => {
    const f = engineFixture();
    const ack = await f.engine.ingestSignal(signal(), BOT);
    f.engine.tick('BTCUSDT', 104, f.advance(1_000));
    expect(await f.engine.cancelSignal({ external_id: 'sig-1' }, BOT)).toEqual({ ok: true });
    expect(f.store.stored(1)).toMatchObject({ status: 'CLOSED_MANUAL', exit_price: 104 });
    expect(f.store.signals[0]?.status).toBe('CANCELLED');
    expect(f.seen.map((e) => [e.kind, e.trade.status])).toEqual([
      ['opened', 'OPEN'],
      ['closed', 'CLOSED_MANUAL'],
    ]);
    // Cancelling again is acknowledged and changes nothing; another bot cannot see the signal.
    expect(await f.engine.cancelSignal({ signal_id: ack.ok ? ack.signal_id : -1 }, BOT)).toEqual({ ok: true });
    await expect(f.engine.cancelSignal({ external_id: 'sig-1' }, { ...BOT, name: 'beta' })).rejects.toThrow('no such signal');
    expect(f.seen).toHaveLength(2);
  });

  it('expires an open trade (CLOSED_EXPIRED) and a pending one (CANCELLED) when their signals expire', async () => {
    const open = engineFixture();
    await open.engine.ingestSignal(signal({ expires_at: open.now + 60_000 }), BOT);
    open.engine.tick('BTCUSDT', 102, open.advance(1_000));
    expect(open.engine.expireDue(open.advance(30_000))).toBe(0);
    expect(open.engine.expireDue(open.advance(30_000))).toBe(1);
    await settle();
    expect(open.store.stored(1)).toMatchObject({ status: 'CLOSED_EXPIRED', exit_price: 102 });
    expect(open.seen.map((e) => e.trade.status)).toEqual(['OPEN', 'CLOSED_EXPIRED']);

    const pending = engineFixture({ entryMode: 'touch' });
    pending.engine.tick('BTCUSDT', 103, pending.now);
    await pending.engine.ingestSignal(signal({ expires_at: pending.now + 60_000 }), BOT);
    expect(pending.engine.expireDue(pending.advance(60_000))).toBe(1);
    await settle();
    expect(pending.store.stored(1)).toMatchObject({ status: 'CANCELLED', exit_price: 100, profit_loss: 0 });
    expect(pending.seen.map((e) => e.trade.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(pending.publicState.summary(0).open_trades).toBe(0);
  });
});
