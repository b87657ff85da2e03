// Test factory for MetricTrade records: closed trades by P/L and exit hour, open/pending/cancelled ones.
import type { TradeStatus } from '../../../shared/constants.ts';
import type { MetricTrade } from '../../../shared/metrics/metric-trade.ts';

export const T0 = Date.UTC(2025, 0, 1); // 2025-01-01T00:00:00Z
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

let nextId = 1;

export function trade(overrides: Partial<MetricTrade> = {}): MetricTrade {
  return {
    id: nextId++,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    timeframe: '1h',
    market_type: 'SPOT',
    status: 'OPEN',
    entry_time: T0,
    exit_time: null,
    profit_loss: null,
    fees: null,
    ...overrides,
  };
}

/** A closed trade entered at T0 and exited `exitHour` hours later. */
export function closed(profitLoss: number, exitHour: number, overrides: Partial<MetricTrade> = {}): MetricTrade {
  const status: TradeStatus = profitLoss > 0 ? 'CLOSED_TP' : profitLoss < 0 ? 'CLOSED_SL' : 'CLOSED_MANUAL';
  return trade({ status, exit_time: T0 + exitHour * HOUR, profit_loss: profitLoss, fees: 0, ...overrides });
}
