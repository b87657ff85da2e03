// PostgreSQL trade store. Writes go through group commit: concurrent ingests (and closes) share
// one transaction; every caller hears back only after its batch has committed.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { UnavailableError, isUnavailableError, toStoreError } from './errors.ts';
import { cancellableSignalSql, openStatusSql, signalTradeSql, systemTradeSql } from '../privacy/trade-scope.ts';
import { attachLegs, TradeLegWriter, type AppendLegsResult, type LegInput, type LegTradeState } from './trade-legs.ts';
import { planOfRow } from './trade-mapper.ts';
import { hasSignalUpdate, type SignalTerms } from './signal-updates.ts';
import type { TradePlan } from '../../shared/trade-json.ts';
import { GroupCommit, ItemFailure } from './group-commit.ts';
import { SIGNAL_COLUMNS, TRADE_COLUMNS, signalRowFromDb, tradeRowFromDb, type SignalRow, type TradeRow } from './rows.ts';
import { SqlRunner } from './sql-runner.ts';
import { closeBatch, ingestBatch, type IngestItem } from './batch-writes.ts';
import type { IngestOptions, IngestPayload, IngestedRows } from './store-types.ts';
import * as reads from './trade-queries.ts';
import { streamOpenTrades } from './open-trade-stream.ts';
import type { CloseRecord, OpenTradeSink, SignalLookup } from '../engine/ports.ts';
import type { TradeTotals } from '../../shared/metrics/index.ts';
import { LedgerWriter, type LedgerAppend } from './ledger-append.ts';
import { batchTransaction, type BatchTx } from './sql-runner.ts';
import { tradeActivated } from '../ledger/ledger-events.ts';

export interface TradeStoreOptions {
  logger?: Logger;
  /**
   * Group-commit window (default 0: an idle writer starts a batch at the next timer tick) and batch
   * size (default 200). While a batch is in flight, arrivals queue and go together right after it.
   */
  flushIntervalMs?: number;
  maxBatch?: number;
  /**
   * Ingest batches in flight at once (default 1). Every ingest batch appends to the ledger chain, so
   * their commits are serial anyway; one at a time makes the batches as large as the load allows,
   * which is what the per-batch cost (statement planning, commit, ledger turn) wants (P5 notes in
   * docs/benchmarks.md). Keep below the pool size.
   */
  maxInFlight?: number;
  /** FEE_RATE, recorded in the ledger's trade_opened events (default 0.001). */
  feeRate?: number;
}

export interface TradeStoreStats {
  /** Transactions used for ingests / closes (one per batch). */
  ingestBatches: number;
  closeBatches: number;
}

export class PgTradeStore {
  private readonly db: SqlRunner;
  private readonly ingests: GroupCommit<IngestItem, IngestedRows>;
  private readonly closes: GroupCommit<CloseRecord, boolean>;
  private readonly log: Logger | undefined;
  private readonly feeRate: number;
  /** Every ledger append of this store goes through it (chain head in memory, one append at a time). */
  private readonly ledger: LedgerWriter;
  /** Legs and signal updates (SPEC §9), on the same ledger writer. */
  readonly legs: TradeLegWriter;

  constructor(orm: MikroORM, opts: TradeStoreOptions = {}) {
    this.db = new SqlRunner(orm);
    this.log = opts.logger?.child({ module: 'trade-store' });
    this.ledger = new LedgerWriter((work, finalSql) => batchTransaction(orm, work, finalSql, this.log));
    this.feeRate = opts.feeRate ?? 0.001;
    this.legs = new TradeLegWriter(this.ledger, this.db, this.feeRate);
    const common = { maxDelayMs: opts.flushIntervalMs ?? 0, maxBatch: opts.maxBatch ?? 200, mapError: toStoreError };
    this.ingests = new GroupCommit((items) => this.writeIngestBatch(items), { ...common, maxInFlight: opts.maxInFlight ?? 1 });
    // Closes run one batch at a time: no two close transactions can lock the same rows in a different order.
    this.closes = new GroupCommit((items) => this.writeCloseBatch(items), { ...common, maxInFlight: 1 });
  }

  get stats(): TradeStoreStats {
    return { ingestBatches: this.ingests.batches, closeBatches: this.closes.batches };
  }

  /** Stores a signal and its system trade atomically; idempotent by (source, external_id). */
  ingestSignal(p: IngestPayload, opts: IngestOptions): Promise<IngestedRows> {
    if (!(opts.positionSize > 0 && Number.isFinite(opts.positionSize)) || Number.isNaN(opts.now.getTime())) {
      return Promise.reject(new RangeError('positionSize must be a positive finite number and now a valid date'));
    }
    return this.ingests.submit({ p, opts }).then(async (r) => {
      // A resend of a managed trade that has filled legs since: its JSON needs them (SPEC §9).
      if (!r.duplicate || !r.trade || r.trade.exitReason === null || r.trade.legs !== undefined) return r;
      return { ...r, trade: (await attachLegs(this.db, [r.trade]))[0]! };
    });
  }

  /** Closes an OPEN/PENDING trade once; false if it was already closed (by anyone). */
  closeTrade(close: CloseRecord): Promise<boolean> {
    const nums = [close.exitPrice, close.fees, close.profitLoss, close.profitLossPercentage, close.exitTime.getTime()];
    if (!nums.every(Number.isFinite)) return Promise.reject(new RangeError(`close of trade ${close.id} has a non-finite value`));
    return this.closes.submit(close);
  }

  /** `listener` runs after each commit that appended ledger rows (and so maybe queued notifications). */
  onLedgerCommitted(listener: () => void): () => void {
    return this.ledger.onCommitted(listener);
  }

  /** Waits until every queued write has committed (shutdown). */
  async flush(): Promise<void> {
    await Promise.all([this.ingests.drain(), this.closes.drain()]);
  }

  /** PENDING → OPEN when the price touches entry (ENTRY_MODE=touch). False if no longer pending. */
  async activateTrade(id: number, at: Date): Promise<boolean> {
    return this.withLedger(async ({ q }, appendLedger) => {
      const rows = await q(
        `update paper_trades set status = 'OPEN', entry_time = ?, version = version + 1, updated_at = now()
         where id = ? and status = 'PENDING' returning id, ${systemTradeSql()} as system`,
        [at, id],
      );
      if (rows[0]?.system === true) await appendLedger([tradeActivated(id, at)]);
      return rows.length === 1;
    });
  }

  /** Stores a managed trade's fills once each (trade-legs.ts appendLegs); the leg that fills the rest closes it. */
  appendLegs(tradeId: number, legs: readonly LegInput[], state: LegTradeState): Promise<AppendLegsResult> {
    return this.legs.appendLegs(tradeId, legs, state).catch((err: unknown) => {
      throw toStoreError(err);
    });
  }

  /**
   * Trailing stops' best prices since activation, so a restart resumes from them (one statement).
   * A best only moves the protective way (LONG up, SHORT down): a late checkpoint cannot undo a newer one.
   */
  async saveTrailingBests(items: ReadonlyArray<{ id: number; best: number }>): Promise<void> {
    if (items.length === 0) return;
    await this.db.query(
      `update paper_trades p set trailing_best_price = x.best
       from json_to_recordset(?::json) as x(id bigint, best numeric)
       where p.id = x.id and p.status = 'OPEN' and (p.trailing_best_price is null
         or (p.direction = 'LONG' and x.best > p.trailing_best_price) or (p.direction = 'SHORT' and x.best < p.trailing_best_price))`,
      [JSON.stringify(items.map((i) => ({ id: i.id, best: i.best })))],
    );
  }

  /** A signal update (signal-updates.ts recordSignalUpdate) in its own transaction, on this store's ledger writer. */
  async recordSignalUpdate(signalId: number, updateId: string | null, payload: unknown, terms: SignalTerms): Promise<{ duplicate: boolean }> {
    try {
      const r = await this.legs.recordSignalUpdate(signalId, updateId, payload, terms);
      return { duplicate: r.duplicate };
    } catch (err) {
      throw toStoreError(err);
    }
  }

  hasSignalUpdate(signalId: number, updateId: string): Promise<boolean> {
    return hasSignalUpdate((sql, b) => this.db.query(sql, b ? [...b] : []), signalId, updateId);
  }

  /** Every open managed trade's plan (SPEC §9) with its legs so far, by trade id: what hydration adds to the streamed rows. */
  async openTradePlans(): Promise<Map<number, TradePlan>> {
    const rows = await this.db.query(
      `select ${TRADE_COLUMNS} from paper_trades where ${openStatusSql()}
       and (targets is not null or sl_mode <> 'fixed' or trailing_callback_rate is not null)`,
    );
    const out = new Map<number, TradePlan>();
    for (const r of await attachLegs(this.db, rows.map(tradeRowFromDb))) {
      const { plan } = planOfRow(r);
      if (plan) out.set(r.id, plan);
    }
    return out;
  }

  getTrade(id: number): Promise<TradeRow | null> {
    return reads.getTrade(this.db, id);
  }

  /** Every OPEN/PENDING trade (system and user) by ascending id, count first, streamed in keyset pages. */
  hydrateOpenTrades(sink: OpenTradeSink, pageSize?: number): Promise<number> {
    return streamOpenTrades(this.db, sink, pageSize);
  }

  recentClosedSystemTrades(limit: number): Promise<TradeRow[]> {
    return reads.recentClosedSystemTrades(this.db, limit);
  }

  systemTradeTotals(): Promise<TradeTotals> {
    return reads.systemTradeTotals(this.db);
  }

  /** A signal by id (any source when `source` is null) or by the bot's external id. */
  async findSignal(source: string | null, ref: SignalLookup): Promise<{ signal: SignalRow; trade: TradeRow | null } | null> {
    const where: string[] = [];
    const bindings: unknown[] = [];
    if (source !== null) {
      where.push('source = ?');
      bindings.push(source);
    }
    if (ref.signalId !== undefined) {
      where.push('id = ?');
      bindings.push(ref.signalId);
    } else if (ref.externalId !== undefined) {
      where.push('external_id = ?');
      bindings.push(ref.externalId);
    } else return null;
    const rows = await this.db.query(`select ${SIGNAL_COLUMNS} from signals where ${where.join(' and ')} order by id limit 1`, bindings);
    if (!rows[0]) return null;
    const signal = signalRowFromDb(rows[0]);
    const trades = await this.db.query(`select ${TRADE_COLUMNS} from paper_trades where signal_id = ? and ${signalTradeSql()}`, [signal.id]);
    return { signal, trade: trades[0] ? tradeRowFromDb(trades[0]) : null };
  }

  /** Signal status → CANCELLED (from ACTIVE or EXECUTED). True if it changed. */
  async markSignalCancelled(signalId: number): Promise<boolean> {
    const rows = await this.db.query(`update signals set status = 'CANCELLED' where id = ? and ${cancellableSignalSql()} returning id`, [signalId]);
    return rows.length === 1;
  }

  private async writeIngestBatch(items: readonly IngestItem[]): Promise<(IngestedRows | ItemFailure)[]> {
    const started = performance.now();
    const results = await this.isolated(items, (batch) => this.withLedger((tx, appendLedger) => ingestBatch(tx, batch, this.feeRate, appendLedger)));
    this.log?.debug({ size: items.length, ms: performance.now() - started }, 'ingest batch committed');
    return results;
  }

  private writeCloseBatch(items: readonly CloseRecord[]): Promise<(boolean | ItemFailure)[]> {
    return this.isolated(items, (batch) => this.withLedger(({ q }, appendLedger) => closeBatch(q, batch, appendLedger)));
  }

  /** A transaction that may append to the ledger (retried as a whole on a conflict or deadlock). */
  private withLedger<T>(work: (tx: BatchTx, appendLedger: LedgerAppend) => Promise<T>): Promise<T> {
    return this.ledger.transaction(work);
  }

  /**
   * Writes the batch; if it fails for a reason other than the database being unreachable (one bad
   * row), each item is retried in its own transaction so it cannot fail its neighbours.
   */
  private async isolated<I, O>(items: readonly I[], write: (batch: readonly I[]) => Promise<O[]>): Promise<(O | ItemFailure)[]> {
    try {
      return await write(items);
    } catch (err) {
      if (items.length === 1 || isUnavailableError(err)) throw err;
      this.log?.warn({ err, size: items.length }, 'batch failed; retrying items one by one');
      return Promise.all(
        items.map((it) =>
          write([it]).then(
            (r) => r[0] as O,
            (e: unknown) => new ItemFailure(e),
          ),
        ),
      );
    }
  }
}

export { UnavailableError };
export type { IngestOptions, IngestPayload, IngestedRows };
