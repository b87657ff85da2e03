// Every system trade as a MetricTrade, in memory, so `performance/` (SPEC §3 and §12) is computed
// without SQL: settled trades (closed, cancelled) are read once at start, in canonical close order,
// open ones are taken from the book at the first read (not at start: 1M open trades would add
// seconds to start-up for a page nobody has asked for yet), and engine events keep both. A close
// written by another process is not announced here (its writer announces it) and is missed until
// a restart, as the live summary's foreign closes are when their read fails.
import {
  compareByExit,
  filterTrades,
  initialRisk,
  isOpenStatus,
  metricTradeFromJson,
  type MetricTrade,
  type PerformanceQuery,
} from '../../shared/metrics/index.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { PerformanceSource } from './performance-cache.ts';

export class PublicTradeRecord {
  // Closed and cancelled trades ordered by (exit_time, id): computePerformance's sort then finds them in order.
  private readonly settled: MetricTrade[] = [];
  private readonly settledIds = new Set<number>();
  // Null until the first read; events before it need not be applied (the book has them).
  private open: Map<number, MetricTrade> | null = null;
  private changes = 0;

  /** `openNow`: the book's open system trades as they are at the call. */
  constructor(private readonly openNow: () => Iterable<TradeJson>) {}

  /** Settled trades from the database (any order), once before any event. */
  hydrate(settled: Iterable<MetricTrade>): void {
    for (const t of settled) {
      if (isOpenStatus(t.status) || this.settledIds.has(t.id)) continue;
      this.settled.push(t);
      this.settledIds.add(t.id);
    }
    this.settled.sort(compareByExit);
    this.changes++;
  }

  opened(t: TradeJson): void {
    this.open?.set(t.id, fromJson(t));
    this.changes++;
  }

  updated(t: TradeJson): void {
    if (this.open?.has(t.id)) this.open.set(t.id, fromJson(t));
    this.changes++;
  }

  closed(t: TradeJson): void {
    this.open?.delete(t.id);
    if (this.settledIds.has(t.id)) return;
    const m = fromJson(t);
    // Closes arrive in about exit order: the insertion point is found from the end.
    let i = this.settled.length;
    while (i > 0 && compareByExit(this.settled[i - 1]!, m) > 0) i--;
    this.settled.splice(i, 0, m);
    this.settledIds.add(t.id);
    this.changes++;
  }

  /** Grows with every change: what cached answers are keyed by. */
  version(): number {
    return this.changes;
  }

  trades(filters: PerformanceQuery, now: number): MetricTrade[] {
    if (!this.open) {
      this.open = new Map();
      for (const t of this.openNow()) this.open.set(t.id, fromJson(t));
    }
    return filterTrades([...this.settled, ...this.open.values()], filters, now);
  }

  /** This record as performance/'s source, in place of the SQL read. */
  source(): PerformanceSource {
    return { version: () => Promise.resolve(this.changes), metricTrades: (f, now) => Promise.resolve(this.trades(f, now)) };
  }
}

function fromJson(t: TradeJson): MetricTrade {
  return { ...metricTradeFromJson(t), initial_risk: initialRisk(t.entry_price, t.initial_stop_loss, t.quantity, t.fees) };
}
