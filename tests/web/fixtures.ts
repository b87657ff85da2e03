// Wire-shaped test data for browser tests (SnapshotJson, TradeJson, TickerJson).
import type { SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { withSingleTarget, type PlainTradeJson } from '../helpers/plan-fields.ts';

export function summary(over: Partial<SummaryJson> = {}): SummaryJson {
  return {
    total_trades: 3,
    open_trades: 1,
    closed_trades: 2,
    profitable_trades: 1,
    losing_trades: 1,
    breakeven_trades: 0,
    win_rate: 50,
    total_profit_loss: 1.5,
    avg_profit_loss: 0.75,
    unrealized_profit_loss: 0,
    profit_factor: 1.8,
    max_drawdown: 1.875,
    total_fees: 0.6,
    ...over,
  };
}

export function trade(over: Partial<TradeJson> & Pick<TradeJson, 'id'>): TradeJson {
  const t: PlainTradeJson = {
    signal_id: null,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    market_type: 'SPOT',
    timeframe: '1h',
    confidence: 0.5,
    leverage: 1,
    entry_price: 50_000,
    entry_time: '2026-01-01T00:00:00.000Z',
    position_size: 100,
    quantity: 0.002,
    take_profit: 51_000,
    stop_loss: 49_500,
    status: 'OPEN',
    exit_price: null,
    exit_time: null,
    fees: null,
    profit_loss: null,
    profit_loss_percentage: null,
    price_gap: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
  return withSingleTarget(t);
}

export const OPEN_BTC = trade({ id: 3 });
export const OPEN_ETH = trade({
  id: 4,
  symbol: 'ETHUSDT',
  direction: 'SHORT',
  entry_price: 3300,
  quantity: 100 / 3300,
  take_profit: 3200,
  stop_loss: 3350,
});
export const CLOSED_TP = trade({
  id: 1,
  symbol: 'SOLUSDT',
  entry_price: 150,
  quantity: 100 / 150,
  take_profit: 153,
  stop_loss: 148,
  status: 'CLOSED_TP',
  exit_price: 153,
  exit_time: '2026-01-01T02:30:00.000Z',
  fees: 0.202,
  profit_loss: 1.798,
  profit_loss_percentage: 1.798,
});
export const CLOSED_SL = trade({
  id: 2,
  direction: 'SHORT',
  take_profit: 49_000,
  stop_loss: 50_500,
  status: 'CLOSED_SL',
  exit_price: 50_520,
  exit_time: '2026-01-01T01:00:00.000Z',
  fees: 0.201,
  profit_loss: -1.241,
  profit_loss_percentage: -1.241,
});

export function snapshot(over: Partial<SnapshotJson> = {}): SnapshotJson {
  return {
    epoch: 'epoch-1',
    seq: 5,
    server_time: '2026-01-01T03:00:00.000Z',
    fee_rate: 0.001,
    summary: summary({ open_trades: 2, total_trades: 4 }),
    open_positions: [OPEN_BTC, OPEN_ETH],
    recent_closed: [CLOSED_TP, CLOSED_SL],
    prices: {
      BTCUSDT: { price: 50_500, ts: Date.parse('2026-01-01T03:00:00Z') },
      ETHUSDT: { price: 3250, ts: Date.parse('2026-01-01T03:00:00Z') },
    },
    ...over,
  };
}

export const TICKER: TickerJson = {
  win_rate: 50,
  total_profit_loss: 1.5,
  unrealized_profit_loss: -0.25,
  open_trades: 2,
  closed_trades: 2,
  last_closed: CLOSED_TP,
};

/** How the page prints signed money: fixed 2 decimals, "+" or a real minus. */
export function signed(v: number, decimals = 2): string {
  const s = Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (Number(s.replaceAll(',', '')) === 0) return s;
  return (v > 0 ? '+' : '\u2212') + s;
}
