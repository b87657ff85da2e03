// What the public sees, kept live from engine events: summary, recent closes, ticker.
// Fed only with system trades: user trades are filtered out before they get here.
import type { SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { SummaryAccumulator, type MetricTrade } from '../../shared/metrics/index.ts';

export const RECENT_CLOSED_LIMIT = 10;

export class PublicState {
  private acc: SummaryAccumulator;
  private recent: TradeJson[];

  constructor(metricTrades: MetricTrade[], recentClosed: TradeJson[]) {
    this.acc = SummaryAccumulator.fromTrades(metricTrades);
    this.recent = recentClosed.slice(0, RECENT_CLOSED_LIMIT);
  }

  opened(): void {
    this.acc.opened();
  }

  closed(t: TradeJson): void {
    this.acc.closed(t.profit_loss, t.fees, t.exit_time ? Date.parse(t.exit_time) : Date.now());
    this.recent.unshift(t);
    if (this.recent.length > RECENT_CLOSED_LIMIT) this.recent.pop();
  }

  summary(unrealized: number): SummaryJson {
    return this.acc.summary(unrealized);
  }

  recentClosed(): TradeJson[] {
    return this.recent.slice();
  }

  ticker(unrealized: number): TickerJson {
    const s = this.acc.summary(unrealized);
    return {
      win_rate: s.win_rate,
      total_profit_loss: s.total_profit_loss,
      unrealized_profit_loss: s.unrealized_profit_loss,
      open_trades: s.open_trades,
      closed_trades: s.closed_trades,
      last_closed: this.recent[0] ?? null,
    };
  }
}
