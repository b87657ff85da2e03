// Breakdowns by symbol/direction/timeframe and the equity curve's order, by hand.
import { describe, expect, it } from 'vitest';
import { computePerformance } from '../../../shared/metrics/performance.ts';
import { closed, HOUR, T0, trade } from './trade-factory.ts';

const perf = (trades: Parameters<typeof computePerformance>[0]) => computePerformance(trades, { unrealizedProfitLoss: 0 });

describe('breakdowns', () => {
  const trades = [
    closed(10, 1, { symbol: 'BTCUSDT', direction: 'LONG', timeframe: '1h' }),
    closed(-5, 2, { symbol: 'BTCUSDT', direction: 'SHORT', timeframe: '4h' }),
    trade({ symbol: 'ETHUSDT', direction: 'LONG', timeframe: '1h', status: 'OPEN' }),
    trade({ symbol: 'ETHUSDT', direction: 'LONG', timeframe: '1h', status: 'CANCELLED' }),
    closed(0, 3, { symbol: 'SOLUSDT', direction: 'SHORT', timeframe: '1h' }),
  ];
  const p = perf(trades);

  it('by_symbol: open and cancelled count in total_trades only', () => {
    expect(p.by_symbol).toEqual({
      // +10, −5: 1 of 2 → 50 %, 10 − 5 = 5
      BTCUSDT: { total_trades: 2, closed_trades: 2, profitable_trades: 1, losing_trades: 1, win_rate: 50, total_profit_loss: 5 },
      ETHUSDT: { total_trades: 2, closed_trades: 0, profitable_trades: 0, losing_trades: 0, win_rate: 0, total_profit_loss: 0 },
      // one breakeven close: 0 of 1 → 0 %
      SOLUSDT: { total_trades: 1, closed_trades: 1, profitable_trades: 0, losing_trades: 0, win_rate: 0, total_profit_loss: 0 },
    });
  });

  it('by_direction', () => {
    expect(p.by_direction).toEqual({
      // BTC +10 closed, ETH open, ETH cancelled → 3 trades, 1 of 1 closed profitable
      LONG: { total_trades: 3, closed_trades: 1, profitable_trades: 1, losing_trades: 0, win_rate: 100, total_profit_loss: 10 },
      // BTC −5, SOL 0 → 0 of 2 profitable, −5 + 0 = −5
      SHORT: { total_trades: 2, closed_trades: 2, profitable_trades: 0, losing_trades: 1, win_rate: 0, total_profit_loss: -5 },
    });
  });

  it('by_timeframe', () => {
    expect(p.by_timeframe).toEqual({
      // BTC +10, ETH ×2, SOL 0 → 4 trades, 2 closed, 1 profitable → 50 %, P/L 10
      '1h': { total_trades: 4, closed_trades: 2, profitable_trades: 1, losing_trades: 0, win_rate: 50, total_profit_loss: 10 },
      '4h': { total_trades: 1, closed_trades: 1, profitable_trades: 0, losing_trades: 1, win_rate: 0, total_profit_loss: -5 },
    });
  });

  it('keys follow the domain order (LONG, SHORT; 1m … 1w), symbols alphabetically', () => {
    const q = perf([
      closed(1, 1, { symbol: 'XRPUSDT', direction: 'SHORT', timeframe: '1d' }),
      closed(1, 2, { symbol: 'ADAUSDT', direction: 'LONG', timeframe: '4h' }),
      closed(1, 3, { symbol: 'BTCUSDT', direction: 'LONG', timeframe: '15m' }),
    ]);
    expect(Object.keys(q.by_symbol)).toEqual(['ADAUSDT', 'BTCUSDT', 'XRPUSDT']);
    expect(Object.keys(q.by_direction)).toEqual(['LONG', 'SHORT']);
    expect(Object.keys(q.by_timeframe)).toEqual(['15m', '4h', '1d']);
  });
});

describe('exit-time order', () => {
  // Given out of order: c (exit 3h, −10), a (exit 1h, +20), b (exit 2h, −5).
  const a = closed(20, 1);
  const b = closed(-5, 2);
  const c = closed(-10, 3);
  const p = perf([c, a, b]);

  it('equity curve is sorted by exit time', () => {
    // in exit order: +20 → 20, −5 → 15, −10 → 5
    expect(p.equity_curve).toEqual([
      { time: (T0 + 1 * HOUR) / 1000, value: 20 },
      { time: (T0 + 2 * HOUR) / 1000, value: 15 },
      { time: (T0 + 3 * HOUR) / 1000, value: 5 },
    ]);
  });

  it('drawdown follows exit order, not array order', () => {
    // exit order: peak 20 → trough 5 = 15. (Array order would give −10, 10, 5 → only 10.)
    expect(p.max_drawdown).toBe(15);
  });

  it('ties on exit_time are broken by id', () => {
    // p +10 (1h), q −10 (2h), then x +10 and y −15 both at 3h, ids x < y.
    // By id: cum 10, 0, 10, −5 → peak 10, trough −5 → 15. (y before x: 10, 0, −15, −5 → 25.)
    const p = closed(10, 1);
    const q = closed(-10, 2);
    const x = closed(10, 3);
    const y = closed(-15, 3);
    expect(perf([y, x, q, p]).max_drawdown).toBe(15);
  });

  it('closes within one second share one curve point holding the later value', () => {
    // 1.2 s and 1.9 s after T0 fall in the same epoch second; 3 s is the next point.
    const t1 = closed(1, 0, { exit_time: T0 + 1200 });
    const t2 = closed(2, 0, { exit_time: T0 + 1900 });
    const t3 = closed(-4, 0, { exit_time: T0 + 3000 });
    expect(perf([t3, t2, t1]).equity_curve).toEqual([
      { time: T0 / 1000 + 1, value: 3 }, // 1 + 2
      { time: T0 / 1000 + 3, value: -1 }, // 3 − 4
    ]);
  });
});
