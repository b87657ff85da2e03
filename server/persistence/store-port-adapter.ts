// Adapts PgTradeStore (rows) to the engine's TradeStorePort (wire JSON + owner).
import { parseTimestamp } from './rows.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { StoredSignal } from '../../shared/signal-schema.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { TradeTotals } from '../../shared/metrics/index.ts';
import type { LegWrite, LegWriteResult, LegWriteState, UpdatedTerms } from '../engine/ports.ts';
import type { TradePlan } from '../../shared/trade-json.ts';
import type { CloseRecord, IngestResult, OpenTradeSink, OwnedTrade, SignalLookup, SignalRef, TradeStorePort } from '../engine/ports.ts';
import type { TradeRow } from './rows.ts';
import { tradeRowToJson } from './trade-mapper.ts';
import { openStatusSql } from '../privacy/trade-scope.ts';
import type { PgTradeStore } from './trade-store.ts';

const owned = (r: TradeRow): OwnedTrade => ({ trade: tradeRowToJson(r), userId: r.userId });

export class StorePortAdapter implements TradeStorePort {
  constructor(
    readonly store: PgTradeStore,
    readonly orm: MikroORM,
  ) {}

  async ingestSignal(p: StoredSignal & { source: string }, opts: { positionSize: number; now: Date; entryStatus?: 'OPEN' | 'PENDING' }): Promise<IngestResult> {
    const r = await this.store.ingestSignal(p, opts);
    return { signalId: r.signal.id, trade: r.trade ? tradeRowToJson(r.trade) : null, userId: r.trade?.userId ?? null, duplicate: r.duplicate };
  }

  appendLegs(tradeId: number, legs: readonly LegWrite[], state: LegWriteState): Promise<LegWriteResult> {
    return this.store.appendLegs(tradeId, legs, state);
  }

  recordSignalUpdate(signalId: number, updateId: string | null, payload: unknown, terms: UpdatedTerms): Promise<{ duplicate: boolean }> {
    return this.store.recordSignalUpdate(signalId, updateId, payload, terms);
  }

  hasSignalUpdate(signalId: number, updateId: string): Promise<boolean> {
    return this.store.hasSignalUpdate(signalId, updateId);
  }

  saveTrailingBests(items: ReadonlyArray<{ id: number; best: number }>): Promise<void> {
    return this.store.saveTrailingBests(items);
  }

  openTradePlans(): Promise<Map<number, TradePlan>> {
    return this.store.openTradePlans();
  }

  closeTrade(c: CloseRecord): Promise<boolean> {
    return this.store.closeTrade(c);
  }

  async findSignal(source: string | null, ref: SignalLookup): Promise<SignalRef | null> {
    const found = await this.store.findSignal(source, ref);
    return found ? { id: found.signal.id, status: found.signal.status, tradeId: found.trade?.id ?? null } : null;
  }

  async markSignalCancelled(signalId: number): Promise<void> {
    await this.store.markSignalCancelled(signalId);
  }

  hydrateOpenTrades(sink: OpenTradeSink): Promise<number> {
    return this.store.hydrateOpenTrades(sink);
  }

  systemTradeTotals(): Promise<TradeTotals> {
    return this.store.systemTradeTotals();
  }

  async recentClosedSystemTrades(limit: number): Promise<TradeJson[]> {
    return (await this.store.recentClosedSystemTrades(limit)).map(tradeRowToJson);
  }

  async getTrade(id: number): Promise<OwnedTrade | null> {
    const r = await this.store.getTrade(id);
    return r ? owned(r) : null;
  }

  activateTrade(id: number, at: Date): Promise<boolean> {
    return this.store.activateTrade(id, at);
  }

  async openTradeExpiries(): Promise<Array<{ id: number; expiresAt: Date }>> {
    const rows: Array<Record<string, unknown>> = await this.orm.em
      .fork()
      .getConnection()
      .execute(
        `select t.id, s.expires_at from paper_trades t join signals s on s.id = t.signal_id
        where ${openStatusSql('t')} and s.expires_at is not null`,
        [],
        'all',
      );
    return rows.map((r) => ({ id: Number(r.id), expiresAt: parseTimestamp(r.expires_at) }));
  }

  /** Readiness: one round trip to the database. */
  async ping(): Promise<void> {
    await this.orm.em.fork().getConnection().execute('select 1', [], 'all');
  }

  /** Writes still queued (shutdown). */
  flush(): Promise<void> {
    return this.store.flush();
  }
}
