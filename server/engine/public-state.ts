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
  /** SPEC §11: whose trades this state counts (the all-bots record leaves unlisted bots out); every bot's unless told. */
  private counts: (bot: string | null) => boolean = () => true;

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
    this.recent = recentClosed.filter((t) => this.counts(t.bot)).slice(0, RECENT_CLOSED_LIMIT);
  }

  /** Counts only trades whose bot passes `pred`, from now on; `reload` gives the totals that match. */
  countOnly(pred: (bot: string | null) => boolean): void {
    this.counts = pred;
  }

  /** New totals in place of the loaded ones (which bots count changed): the next summary is over them. */
  reload(totals: TradeTotals, recentClosed: TradeJson[]): void {
    this.acc = null;
    this.log = new CloseLog();
    this.load(totals, recentClosed);
  }

  private get loaded(): SummaryAccumulator {
    if (!this.acc) throw new Error('public state used before its stored totals were loaded');
    return this.acc;
  }

  /** `t`: the trade, when this state counts some bots only (without it, it counts). */
  opened(t?: Pick<TradeJson, 'bot'>): void {
    if (t && !this.counts(t.bot)) return;
    this.loaded.opened();
  }

  cancelled(t?: Pick<TradeJson, 'bot'>): void {
    if (t && !this.counts(t.bot)) return;
    this.loaded.cancelled();
  }

  closed(t: TradeJson): void {
    if (!this.counts(t.bot)) return;
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

  /** Older closes (read after a `reload`) merged into the latest ones: by exit time then id, newest first, deduplicated. */
  mergeRecent(closes: readonly TradeJson[]): void {
    const byId = new Map([...this.recent, ...closes].map((t) => [t.id, t]));
    const at = (t: TradeJson) => (t.exit_time ? Date.parse(t.exit_time) : 0);
    this.recent = [...byId.values()]
      .filter((t) => this.counts(t.bot))
      .sort((a, b) => at(b) - at(a) || b.id - a.id)
      .slice(0, RECENT_CLOSED_LIMIT);
  }

  recentClosed(): TradeJson[] {
    if (!this.acc) throw new Error('public state used before its stored totals were loaded');
    return this.recent.slice();
  }

  ticker(unrealized: number): TickerJson {
    return tickerOf(this.loaded.summary(unrealized), this.recent[0] ?? null);
  }
}
