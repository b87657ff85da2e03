// What the public sees, kept live from engine events: summary, recent closes, ticker.
// Fed only with system trades: user trades are filtered out before they get here.
import type { SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { SummaryAccumulator, closedPlInExitOrder, totalsOf, type MetricTrade, type TradeTotals } from '../../shared/metrics/index.ts';
import { tickerOf } from '../../shared/metrics/ticker.ts';

export const RECENT_CLOSED_LIMIT = 10;

/** Closed system trades in canonical order (exit time, then id), compact: three numbers each. */
class CloseLog {
  private times: number[] = [];
  private ids: number[] = [];
  private pls: number[] = [];

  /** Inserts in order; returns false when the close did not land at the end. */
  insert(time: number, id: number, pl: number): boolean {
    let i = this.times.length;
    while (i > 0 && (this.times[i - 1]! > time || (this.times[i - 1] === time && this.ids[i - 1]! > id))) i--;
    this.times.splice(i, 0, time);
    this.ids.splice(i, 0, id);
    this.pls.splice(i, 0, pl);
    return i === this.times.length - 1;
  }

  profitLosses(): readonly number[] {
    return this.pls;
  }
}

export class PublicState {
  private acc: SummaryAccumulator | null = null;
  private recent: TradeJson[] = [];
  private log = new CloseLog();

  /**
   * From stored totals (counts and closed trades from SQL, no record per open trade). Without them,
   * `load` must give them before anything else is asked: start-up reads them while the book hydrates.
   */
  constructor(totals?: TradeTotals, recentClosed: TradeJson[] = []) {
    if (totals) this.load(totals, recentClosed);
  }

  static fromTrades(metricTrades: readonly MetricTrade[], recentClosed: TradeJson[]): PublicState {
    return new PublicState(totalsOf(metricTrades), recentClosed);
  }

  /** The stored totals, once (before any event: opened/closed would otherwise be lost or counted twice). */
  load(totals: TradeTotals, recentClosed: TradeJson[]): void {
    if (this.acc) throw new Error('public state is already loaded');
    const closed = closedPlInExitOrder(totals.closed);
    this.acc = SummaryAccumulator.fromTotals(totals, closed);
    for (const c of closed) this.log.insert(c.exit_time, c.id, c.profit_loss ?? 0);
    this.recent = recentClosed.slice(0, RECENT_CLOSED_LIMIT);
  }

  private get loaded(): SummaryAccumulator {
    if (!this.acc) throw new Error('public state used before its stored totals were loaded');
    return this.acc;
  }

  opened(): void {
    this.loaded.opened();
  }

  cancelled(): void {
    this.loaded.cancelled();
  }

  closed(t: TradeJson): void {
    const time = t.exit_time ? Date.parse(t.exit_time) : Date.now();
    const acc = this.loaded;
    acc.closed(t.profit_loss, t.fees, time);
    // The summary must equal /performance/, which orders closes by (exit_time, id): a close that
    // arrives out of that order (rare) replays the equity path in canonical order.
    if (!this.log.insert(time, t.id, t.profit_loss ?? 0)) acc.replayEquity(this.log.profitLosses());
    this.recent.unshift(t);
    if (this.recent.length > RECENT_CLOSED_LIMIT) this.recent.pop();
  }

  summary(unrealized: number): SummaryJson {
    return this.loaded.summary(unrealized);
  }

  recentClosed(): TradeJson[] {
    if (!this.acc) throw new Error('public state used before its stored totals were loaded');
    return this.recent.slice();
  }

  ticker(unrealized: number): TickerJson {
    return tickerOf(this.loaded.summary(unrealized), this.recent[0] ?? null);
  }
}
