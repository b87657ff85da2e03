// An in-memory TradeStorePort that keeps the real store's promises (server/persistence/trade-store.ts
// and batch-writes.ts): ingest idempotent by (source, external_id), the guarded close (only an
// OPEN/PENDING trade closes, once), PENDING → OPEN only from PENDING, signals cancelled only from
// ACTIVE/EXECUTED, non-finite closes refused, and UnavailableError with nothing stored while "down".
// Writes can be held before their commit, so a test sees what the engine does before and after it.
import type { StoredSignal as StoredSignalPayload } from '../../../shared/signal-schema.ts';
import type { SignalStatus } from '../../../shared/constants.ts';
import type { TradeJson } from '../../../shared/protocol-types.ts';
import { isClosedStatus } from '../../../shared/constants.ts';
import { quantityFor, roundMoney } from '../../../shared/trade-math.ts';
import { tradeJson, type TradeRecord } from '../../../shared/trade-json.ts';
import { totalsOf, metricTradeFromJson, type TradeTotals } from '../../../shared/metrics/index.ts';
import { UnavailableError } from '../../../server/errors.ts';
import type {
  CloseRecord,
  IngestResult,
  LegWrite,
  LegWriteResult,
  LegWriteState,
  UpdatedTerms,
  OpenTradeSink,
  OwnedTrade,
  SignalLookup,
  SignalRef,
  TradeStorePort,
} from '../../../server/engine/ports.ts';
import { ConflictError, NotFoundError } from '../../../server/errors.ts';
import { sumMoney, tradeTotals } from '../../../shared/leg-math.ts';
import { statusOfLeg } from '../../../server/engine/leg-announcer.ts';
import type { TradePlan } from '../../../shared/trade-json.ts';

interface StoredSignal {
  id: number;
  source: string;
  externalId: string | null;
  status: SignalStatus;
  expiresAt: Date | null;
  tradeId: number | null;
}

export class MemoryTradeStore implements TradeStorePort {
  readonly signals: StoredSignal[] = [];
  readonly trades = new Map<number, TradeRecord>();
  /** What committed, in order (`ingest:<tradeId>`, `close:<id>`, `activate:<id>`, `cancel-signal:<id>`). */
  readonly journal: string[] = [];
  /** The database is unreachable: every call rejects with UnavailableError and nothing is stored. */
  down = false;
  private held: Array<() => void> | null = null;
  private readonly legs = new Map<number, LegWrite[]>();
  private nextSignalId = 1;
  private nextTradeId = 1;

  constructor(private readonly clock: () => number = Date.now) {}

  /** From now on writes wait before committing until `release()` is called. */
  hold(): { release(): void } {
    const held: Array<() => void> = [];
    this.held = held;
    return {
      release: () => {
        if (this.held === held) this.held = null;
        for (const commit of held.splice(0)) commit();
      },
    };
  }

  ingestSignal(
    p: StoredSignalPayload & { source: string },
    opts: { positionSize: number; now: Date; entryStatus?: 'OPEN' | 'PENDING' },
  ): Promise<IngestResult> {
    if (!(opts.positionSize > 0 && Number.isFinite(opts.positionSize)) || Number.isNaN(opts.now.getTime())) {
      return Promise.reject(new RangeError('positionSize must be a positive finite number and now a valid date'));
    }
    return this.write(() => {
      const existing = p.external_id === undefined ? undefined : this.signals.find((s) => s.source === p.source && s.externalId === p.external_id);
      if (existing) {
        const t = existing.tradeId === null ? undefined : this.trades.get(existing.tradeId);
        return { signalId: existing.id, trade: t ? tradeJson(t) : null, userId: null, duplicate: true };
      }
      const signal: StoredSignal = {
        id: this.nextSignalId++,
        source: p.source,
        externalId: p.external_id ?? null,
        status: 'EXECUTED',
        expiresAt: p.expires_at ?? null,
        tradeId: null,
      };
      const now = opts.now.getTime();
      const positionSize = roundMoney(opts.positionSize);
      const trade: TradeRecord = {
        id: this.nextTradeId++,
        userId: null,
        signalId: signal.id,
        bot: p.source,
        symbol: p.symbol,
        direction: p.direction,
        marketType: p.market_type,
        timeframe: p.timeframe,
        confidence: p.confidence,
        leverage: p.leverage,
        entryPrice: p.entry,
        openedAt: now,
        positionSize,
        quantity: quantityFor(positionSize, p.leverage, p.entry),
        takeProfit: p.tp,
        stopLoss: p.sl,
        status: opts.entryStatus ?? 'OPEN',
        exitPrice: null,
        exitTime: null,
        fees: null,
        profitLoss: null,
        profitLossPercentage: null,
        priceGap: false,
        createdAt: now,
        updatedAt: now,
      };
      signal.tradeId = trade.id;
      this.signals.push(signal);
      this.trades.set(trade.id, trade);
      this.journal.push(`ingest:${trade.id}`);
      return { signalId: signal.id, trade: tradeJson(trade), userId: null, duplicate: false };
    });
  }

  /** Legs once per (trade, kind); the leg that fills the rest closes the trade with the legs' sums (as trade-legs.ts). */
  appendLegs(tradeId: number, legs: readonly LegWrite[], state: LegWriteState): Promise<LegWriteResult> {
    return this.write(() => {
      const t = this.trades.get(tradeId);
      if (!t) throw new NotFoundError(`trade ${tradeId} not found`);
      const stored = this.legs.get(tradeId) ?? [];
      const duplicates = legs.filter((l) => stored.some((s) => s.kind === l.kind));
      const written = legs.filter((l) => !stored.some((s) => s.kind === l.kind));
      const all = [...stored, ...written];
      const remainingQuantity = sumMoney([t.quantity, -sumMoney(all.map((l) => l.quantity))]);
      const realizedProfitLoss = sumMoney(all.map((l) => l.profitLoss));
      if (written.length === 0) return { written, duplicates, closed: false, remainingQuantity, realizedProfitLoss };
      if (t.status !== 'OPEN') throw new ConflictError(`trade ${tradeId} is ${t.status}`);
      this.legs.set(tradeId, all);
      t.stopLoss = state.stopLoss;
      const closed = remainingQuantity === 0;
      if (closed) {
        const last = all[all.length - 1]!;
        const totals = tradeTotals(all, t.positionSize);
        Object.assign(t, { status: statusOfLeg(last.kind), exitPrice: last.price, exitTime: last.time.getTime(), ...totals, updatedAt: this.clock() });
      }
      this.journal.push(`legs:${tradeId}:${written.map((l) => l.kind).join(',')}`);
      return { written, duplicates, closed, remainingQuantity, realizedProfitLoss };
    });
  }

  readonly trailingBests = new Map<number, number>();
  private readonly updates = new Set<string>();

  recordSignalUpdate(signalId: number, updateId: string | null, _payload: unknown, terms: UpdatedTerms): Promise<{ duplicate: boolean }> {
    return this.write(() => {
      const key = updateId === null ? null : `${signalId}:${updateId}`;
      if (key !== null && this.updates.has(key)) return { duplicate: true };
      const tradeId = this.signals.find((s) => s.id === signalId)?.tradeId;
      const t = tradeId == null ? undefined : this.trades.get(tradeId);
      if (!t) throw new NotFoundError(`signal ${signalId} without a system trade`);
      if (t.status !== 'OPEN' && t.status !== 'PENDING') throw new ConflictError(`signal ${signalId}: its trade is closed`);
      if (key !== null) this.updates.add(key);
      Object.assign(t, { takeProfit: terms.takeProfit, stopLoss: terms.stopLoss });
      this.journal.push(`update:${signalId}`);
      return { duplicate: false };
    });
  }

  hasSignalUpdate(signalId: number, updateId: string): Promise<boolean> {
    return this.read(() => this.updates.has(`${signalId}:${updateId}`));
  }

  saveTrailingBests(items: ReadonlyArray<{ id: number; best: number }>): Promise<void> {
    return this.write(() => {
      for (const i of items) this.trailingBests.set(i.id, i.best);
    });
  }

  openTradePlans(): Promise<Map<number, TradePlan>> {
    return this.read(() => new Map());
  }

  closeTrade(c: CloseRecord): Promise<boolean> {
    const nums = [c.exitPrice, c.fees, c.profitLoss, c.profitLossPercentage, c.exitTime.getTime()];
    if (!nums.every(Number.isFinite)) return Promise.reject(new RangeError(`close of trade ${c.id} has a non-finite value`));
    return this.write(() => {
      const t = this.trades.get(c.id);
      if (!t || (t.status !== 'OPEN' && t.status !== 'PENDING')) return false;
      Object.assign(t, {
        status: c.status,
        exitPrice: c.exitPrice,
        exitTime: c.exitTime.getTime(),
        fees: c.fees,
        profitLoss: c.profitLoss,
        profitLossPercentage: c.profitLossPercentage,
        priceGap: t.priceGap || c.priceGap,
        updatedAt: this.clock(),
      });
      this.journal.push(`close:${c.id}`);
      return true;
    });
  }

  findSignal(source: string | null, ref: SignalLookup): Promise<SignalRef | null> {
    return this.read(() => {
      const s = this.signals.find(
        (x) =>
          (source === null || x.source === source) &&
          (ref.signalId !== undefined ? x.id === ref.signalId : ref.externalId !== undefined && x.externalId === ref.externalId),
      );
      return s ? { id: s.id, status: s.status, tradeId: s.tradeId } : null;
    });
  }

  markSignalCancelled(signalId: number): Promise<void> {
    return this.write(() => {
      const s = this.signals.find((x) => x.id === signalId);
      if (s && (s.status === 'ACTIVE' || s.status === 'EXECUTED')) {
        s.status = 'CANCELLED';
        this.journal.push(`cancel-signal:${signalId}`);
      }
    });
  }

  hydrateOpenTrades(sink: OpenTradeSink): Promise<number> {
    return this.read(() => {
      const open = [...this.trades.values()].filter((t) => t.status === 'OPEN' || t.status === 'PENDING').sort((a, b) => a.id - b.id);
      sink.expect(open.length);
      // One reused object, as the real stream gives it: the sink must copy what it keeps.
      const reused = { ...open[0]! };
      for (const t of open) sink.trade(Object.assign(reused, t));
      return open.length;
    });
  }

  systemTradeTotals(): Promise<TradeTotals> {
    return this.read(() => totalsOf(this.system().map((t) => metricTradeFromJson(tradeJson(t)))));
  }

  recentClosedSystemTrades(limit: number): Promise<TradeJson[]> {
    return this.read(() =>
      this.system()
        .filter((t) => isClosedStatus(t.status))
        .sort((a, b) => (b.exitTime ?? 0) - (a.exitTime ?? 0) || b.id - a.id)
        .slice(0, limit)
        .map(tradeJson),
    );
  }

  getTrade(id: number): Promise<OwnedTrade | null> {
    return this.read(() => {
      const t = this.trades.get(id);
      return t ? { trade: tradeJson(t), userId: t.userId } : null;
    });
  }

  activateTrade(id: number, at: Date): Promise<boolean> {
    return this.write(() => {
      const t = this.trades.get(id);
      if (!t || t.status !== 'PENDING') return false;
      Object.assign(t, { status: 'OPEN', openedAt: at.getTime(), updatedAt: this.clock() });
      this.journal.push(`activate:${id}`);
      return true;
    });
  }

  openTradeExpiries(): Promise<Array<{ id: number; expiresAt: Date }>> {
    return this.read(() =>
      this.signals.flatMap((s) => {
        const t = s.tradeId === null ? undefined : this.trades.get(s.tradeId);
        return t && s.expiresAt && (t.status === 'OPEN' || t.status === 'PENDING') ? [{ id: t.id, expiresAt: s.expiresAt }] : [];
      }),
    );
  }

  /** A stored trade as its wire form (what a later read would return). */
  stored(id: number): TradeJson | undefined {
    const t = this.trades.get(id);
    return t && tradeJson(t);
  }

  private system(): TradeRecord[] {
    return [...this.trades.values()].filter((t) => t.userId === null);
  }

  private read<T>(work: () => T): Promise<T> {
    if (this.down) return Promise.reject(new UnavailableError('database unavailable'));
    return Promise.resolve().then(work);
  }

  /** Applies the write at its commit: now (next microtask), or when a hold is released. */
  private write<T>(work: () => T): Promise<T> {
    if (this.down) return Promise.reject(new UnavailableError('database unavailable'));
    const held = this.held;
    if (!held) return Promise.resolve().then(work);
    return new Promise<T>((resolve, reject) =>
      held.push(() => {
        if (this.down) reject(new UnavailableError('database unavailable'));
        else resolve(work());
      }),
    );
  }
}
