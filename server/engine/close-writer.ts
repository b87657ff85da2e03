// Writes the book's closes to the database. While the database is down, closes wait in memory
// (bounded by the open-trade count: each trade closes once) and are retried with backoff. Also the
// two close mappings: book close → CloseRecord (what the store writes), and the closed wire form.
import type { TradeJson } from '../../shared/protocol-types.ts';
import { tradeJson, tradeRecordFromJson } from '../../shared/trade-json.ts';
import type { Logger } from '../logger.ts';
import { ConflictError } from '../errors.ts';
import type { BookClose } from '../book/types.ts';
import type { CloseRecord, TradeStorePort } from './ports.ts';

type Announce = (rec: CloseRecord, persisted: boolean) => TradeJson | null;

interface Waiter {
  resolve(t: TradeJson): void;
  reject(e: unknown): void;
}

export class CloseWriter {
  private queue: CloseRecord[] = [];
  private inFlight = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 100;
  private waiters = new Map<number, Waiter>();

  constructor(
    private store: TradeStorePort,
    private log: Logger,
    private announce: Announce,
  ) {}

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  write(rec: CloseRecord): void {
    this.inFlight += 1;
    this.store.closeTrade(rec).then(
      (persisted) => {
        this.inFlight -= 1;
        this.backoffMs = 100;
        this.settle(rec, persisted);
      },
      (err: unknown) => {
        this.inFlight -= 1;
        this.log.warn({ err: String(err), trade: rec.id }, 'close not written yet; will retry');
        this.queue.push(rec);
        this.scheduleRetry();
      },
    );
  }

  /** Resolves with the closed trade once its close is committed. Call right after the book closed it. */
  whenWritten(id: number): Promise<TradeJson> {
    return new Promise((resolve, reject) => this.waiters.set(id, { resolve, reject }));
  }

  async drain(deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.pending > 0 && Date.now() < until) {
      if (this.queue.length > 0 && !this.retryTimer) this.retry();
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.pending === 0;
  }

  private settle(rec: CloseRecord, persisted: boolean): void {
    const t = this.announce(rec, persisted);
    const w = this.waiters.get(rec.id);
    if (!w) return;
    this.waiters.delete(rec.id);
    if (t) w.resolve(t);
    else w.reject(new ConflictError('the trade was closed elsewhere first'));
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.retry(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 5_000);
  }

  private retry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const batch = this.queue;
    this.queue = [];
    for (const rec of batch) this.write(rec);
  }
}

/** The record of a close the book decided, as the store writes it. */
export function toCloseRecord(c: BookClose): CloseRecord {
  return {
    id: c.trade.id,
    status: c.status,
    exitPrice: c.exitPrice,
    // A feed's clock may lag ours: a trade never exits before it entered.
    exitTime: new Date(Math.max(c.exitTime, c.trade.openedAt)),
    fees: c.fees,
    profitLoss: c.profitLoss,
    profitLossPercentage: c.profitLossPercentage,
    priceGap: c.priceGap,
  };
}

/**
 * A trade's wire form once its close is committed: the open form with the close applied, rebuilt
 * through tradeJson so the §9 fields (legs, remaining quantity, exit reason) follow the close.
 */
export function closedTradeJson(open: TradeJson, rec: CloseRecord): TradeJson {
  const at = rec.exitTime.getTime();
  return tradeJson({
    ...tradeRecordFromJson(open, null),
    status: rec.status,
    exitPrice: rec.exitPrice,
    exitTime: at,
    fees: rec.fees,
    profitLoss: rec.profitLoss,
    profitLossPercentage: rec.profitLossPercentage,
    priceGap: rec.priceGap,
    updatedAt: at,
  });
}
