// The TradeStorePort contract, run against every implementation (the in-memory fake and the
// PostgreSQL adapter), so the fake the engine's unit tests lean on keeps the real store's promises.
import { describe, expect, it } from 'vitest';
import type { StoredSignal } from '../../../shared/signal-schema.ts';
import type { TradeRecord } from '../../../shared/trade-json.ts';
import type { CloseRecord, TradeStorePort } from '../../../server/engine/ports.ts';

export interface ContractSubject {
  port: TradeStorePort;
  close(): Promise<void>;
}

const NOW = new Date('2026-01-05T10:00:00.000Z');

function payload(over: Partial<StoredSignal & { source: string }> = {}): StoredSignal & { source: string } {
  return {
    source: 'alpha',
    external_id: 'x-1',
    symbol: 'BTCUSDT',
    direction: 'LONG',
    timeframe: '1h',
    entry: 100,
    tp: 110,
    sl: 95,
    confidence: 0.5,
    market_type: 'SPOT',
    leverage: 1,
    ...over,
  };
}

function closeOf(id: number, over: Partial<CloseRecord> = {}): CloseRecord {
  return {
    id,
    status: 'CLOSED_TP',
    exitPrice: 110,
    exitTime: new Date(NOW.getTime() + 60_000),
    fees: 0.21,
    profitLoss: 9.79,
    profitLossPercentage: 9.79,
    priceGap: false,
    ...over,
  };
}

export function storePortContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`TradeStorePort contract: ${name}`, () => {
    const withPort = (fn: (port: TradeStorePort) => Promise<void>) => async () => {
      const s = await open();
      try {
        await fn(s.port);
      } finally {
        await s.close();
      }
    };
    const opts = { positionSize: 100, now: NOW };

    it(
      'ingests idempotently by (source, external_id)',
      withPort(async (port) => {
        const a = await port.ingestSignal(payload(), opts);
        expect(a.duplicate).toBe(false);
        expect(a.trade).toMatchObject({ status: 'OPEN', entry_price: 100, quantity: 1, position_size: 100, entry_time: NOW.toISOString() });
        const again = await port.ingestSignal(payload({ entry: 101, tp: 111 }), opts);
        expect(again).toEqual({ signalId: a.signalId, trade: a.trade, userId: a.userId, duplicate: true });
        const otherSource = await port.ingestSignal(payload({ source: 'beta' }), opts);
        expect(otherSource.duplicate).toBe(false);
        expect(otherSource.trade!.id).not.toBe(a.trade!.id);
        const noKey = [await port.ingestSignal(payload({ external_id: undefined }), opts), await port.ingestSignal(payload({ external_id: undefined }), opts)];
        expect(noKey.map((r) => r.duplicate)).toEqual([false, false]);
        expect(new Set(noKey.map((r) => r.trade!.id)).size).toBe(2);
        const pending = await port.ingestSignal(payload({ external_id: 'x-2' }), { ...opts, entryStatus: 'PENDING' });
        expect(pending.trade?.status).toBe('PENDING');
      }),
    );

    it(
      'closes a trade once: the guarded close answers false the second time and keeps the first',
      withPort(async (port) => {
        const { trade } = await port.ingestSignal(payload(), opts);
        const id = trade!.id;
        expect(await port.closeTrade(closeOf(id, { priceGap: true }))).toBe(true);
        expect(await port.closeTrade(closeOf(id, { status: 'CLOSED_SL', exitPrice: 95 }))).toBe(false);
        const stored = await port.getTrade(id);
        expect(stored).toMatchObject({ userId: null, trade: { status: 'CLOSED_TP', exit_price: 110, fees: 0.21, profit_loss: 9.79, price_gap: true } });
        expect(stored!.trade.exit_time).toBe(new Date(NOW.getTime() + 60_000).toISOString());
        expect(await port.closeTrade(closeOf(id + 1000))).toBe(false);
        await expect(port.closeTrade(closeOf(id, { profitLoss: Number.NaN }))).rejects.toBeInstanceOf(RangeError);
      }),
    );

    it(
      'activates only a PENDING trade',
      withPort(async (port) => {
        const open = (await port.ingestSignal(payload(), opts)).trade!;
        const pending = (await port.ingestSignal(payload({ external_id: 'x-2' }), { ...opts, entryStatus: 'PENDING' })).trade!;
        const at = new Date(NOW.getTime() + 5_000);
        expect(await port.activateTrade(open.id, at)).toBe(false);
        expect(await port.activateTrade(pending.id, at)).toBe(true);
        expect(await port.activateTrade(pending.id, at)).toBe(false);
        expect((await port.getTrade(pending.id))?.trade).toMatchObject({ status: 'OPEN', entry_time: at.toISOString() });
        // A close of a trade still PENDING in the store is accepted by the same guard.
        const late = (await port.ingestSignal(payload({ external_id: 'x-3' }), { ...opts, entryStatus: 'PENDING' })).trade!;
        expect(await port.closeTrade(closeOf(late.id, { status: 'CANCELLED', fees: 0, profitLoss: 0, profitLossPercentage: 0 }))).toBe(true);
      }),
    );

    it(
      'finds a signal by id or external id within its source, and cancels it once',
      withPort(async (port) => {
        const a = await port.ingestSignal(payload(), opts);
        const ref = { id: a.signalId, status: 'EXECUTED', tradeId: a.trade!.id };
        expect(await port.findSignal('alpha', { externalId: 'x-1' })).toEqual(ref);
        expect(await port.findSignal('alpha', { signalId: a.signalId })).toEqual(ref);
        expect(await port.findSignal(null, { signalId: a.signalId })).toEqual(ref);
        expect(await port.findSignal('beta', { externalId: 'x-1' })).toBeNull();
        expect(await port.findSignal('alpha', {})).toBeNull();
        await port.markSignalCancelled(a.signalId);
        await port.markSignalCancelled(a.signalId);
        expect(await port.findSignal('alpha', { externalId: 'x-1' })).toEqual({ ...ref, status: 'CANCELLED' });
      }),
    );

    it(
      'streams open and pending trades by ascending id, count first, with their expiries',
      withPort(async (port) => {
        const ids: number[] = [];
        for (let i = 0; i < 4; i++) {
          const r = await port.ingestSignal(payload({ external_id: `h-${i}`, expires_at: i === 1 ? new Date(NOW.getTime() + 3_600_000) : undefined }), {
            ...opts,
            entryStatus: i === 2 ? 'PENDING' : 'OPEN',
          });
          ids.push(r.trade!.id);
        }
        await port.closeTrade(closeOf(ids[3]!));
        const seen: TradeRecord[] = [];
        let counted = -1;
        const n = await port.hydrateOpenTrades({
          expect: (count) => {
            expect(seen).toHaveLength(0);
            counted = count;
          },
          trade: (r) => seen.push({ ...r }),
        });
        expect([n, counted]).toEqual([3, 3]);
        expect(seen.map((r) => [r.id, r.status])).toEqual([
          [ids[0], 'OPEN'],
          [ids[1], 'OPEN'],
          [ids[2], 'PENDING'],
        ]);
        expect(seen[0]).toMatchObject({ userId: null, symbol: 'BTCUSDT', entryPrice: 100, openedAt: NOW.getTime(), exitPrice: null, priceGap: false });
        expect(await port.openTradeExpiries()).toEqual([{ id: ids[1], expiresAt: new Date(NOW.getTime() + 3_600_000) }]);
      }),
    );

    it(
      'reads closed system trades newest first and the totals the live summary starts from',
      withPort(async (port) => {
        const ids: number[] = [];
        for (let i = 0; i < 3; i++) ids.push((await port.ingestSignal(payload({ external_id: `c-${i}` }), opts)).trade!.id);
        await port.closeTrade(closeOf(ids[0]!, { exitTime: new Date(NOW.getTime() + 2_000) }));
        await port.closeTrade(closeOf(ids[1]!, { exitTime: new Date(NOW.getTime() + 1_000), status: 'CLOSED_SL', profitLoss: -5 }));
        expect((await port.recentClosedSystemTrades(10)).map((t) => t.id)).toEqual([ids[0], ids[1]]);
        expect((await port.recentClosedSystemTrades(1)).map((t) => t.id)).toEqual([ids[0]]);
        const totals = await port.systemTradeTotals();
        expect({ total: totals.total, cancelled: totals.cancelled }).toEqual({ total: 3, cancelled: 0 });
        expect(totals.closed.map((c) => [c.id, c.profit_loss]).sort()).toEqual(
          [
            [ids[0], 9.79],
            [ids[1], -5],
          ].sort(),
        );
        expect(await port.getTrade(ids[2]! + 1000)).toBeNull();
      }),
    );
  });
}
