// Writes managed trades' fills (SPEC §9 legs) to the database, one trade's legs in the order the
// book decided them: a trade's writes are chained, so its TP2 never commits before its TP1. While
// the database is down they wait and are retried with backoff (bounded: each leg kind fills once).
// What happens after a commit is the caller's (leg-announcer.ts): nothing is announced before it.
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TradeFills } from './managed-open-trades.ts';
import type { LegWrite, LegWriteResult, TradeStorePort } from './ports.ts';

export interface LegOutcome {
  fills: TradeFills;
  /** What the database holds for these fills; null = the trade was no longer open there (closed elsewhere). */
  result: LegWriteResult | null;
  priceGap: boolean;
}

export class LegWriter {
  private readonly chains = new Map<number, Promise<void>>();
  private inFlight = 0;

  constructor(
    private readonly store: TradeStorePort,
    private readonly log: Logger,
    private readonly settle: (o: LegOutcome) => void,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  write(fills: TradeFills, priceGap: boolean): Promise<void> {
    this.inFlight++;
    const prev = this.chains.get(fills.id) ?? Promise.resolve();
    const next = prev
      .then(() => this.attempt(fills, priceGap, 100))
      .finally(() => {
        this.inFlight--;
        if (this.chains.get(fills.id) === next) this.chains.delete(fills.id);
      });
    this.chains.set(fills.id, next);
    return next;
  }

  async drain(deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.inFlight === 0;
  }

  private async attempt(fills: TradeFills, priceGap: boolean, backoffMs: number): Promise<void> {
    const legs: LegWrite[] = fills.fills.map((f) => ({
      kind: f.kind,
      price: f.price,
      quantity: f.quantity,
      time: new Date(f.time),
      fees: f.fees,
      profitLoss: f.profitLoss,
    }));
    for (;;) {
      try {
        const result = await this.store.appendLegs(fills.id, legs, {
          stopLoss: fills.stopLoss,
          trailingBestPrice: fills.trailingBest,
          priceGap,
        });
        this.settle({ fills, result, priceGap });
        return;
      } catch (err) {
        if (err instanceof ConflictError) {
          this.settle({ fills, result: null, priceGap });
          return;
        }
        if (err instanceof ValidationError || err instanceof NotFoundError) {
          // Refused as written (a bug, not an outage): retrying cannot help. The trade leaves this
          // process's book; the database keeps what it holds, and a restart hydrates from that.
          this.log.error({ err: String(err), trade: fills.id }, 'legs refused by the store');
          this.settle({ fills, result: null, priceGap });
          return;
        }
        this.log.warn({ err: String(err), trade: fills.id }, 'legs not written yet; will retry');
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }
}
