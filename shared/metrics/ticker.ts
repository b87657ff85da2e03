// The widget's `ticker` frame (SPEC §5): the few summary figures it shows, plus the last close.
import type { SummaryJson, TickerJson, TradeJson } from '../protocol-types.ts';

export function tickerOf(s: SummaryJson, lastClosed: TradeJson | null): TickerJson {
  return {
    win_rate: s.win_rate,
    total_profit_loss: s.total_profit_loss,
    unrealized_profit_loss: s.unrealized_profit_loss,
    open_trades: s.open_trades,
    closed_trades: s.closed_trades,
    last_closed: lastClosed,
  };
}
