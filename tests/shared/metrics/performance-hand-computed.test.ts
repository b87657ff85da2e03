// computePerformance against cases worked out by hand (arithmetic in the comments).
import { describe, expect, it } from 'vitest';
import { computePerformance } from '../../../shared/metrics/performance.ts';
import { closed, HOUR, T0, trade } from './trade-factory.ts';

describe('computePerformance — five closed trades +10, −5, +20, 0, −15 (exit order)', () => {
  // Exit after 1h..5h from T0 → durations 1,2,3,4,5 h → mean 3 h. Fees 0.1 each → 0.5.
  const trades = [10, -5, 20, 0, -15].map((pl, i) => closed(pl, i + 1, { fees: 0.1 }));
  const p = computePerformance(trades, { unrealizedProfitLoss: 0 });

  it('counts', () => {
    expect(p.total_trades).toBe(5);
    expect(p.open_trades).toBe(0);
    expect(p.closed_trades).toBe(5);
    expect(p.profitable_trades).toBe(2); // +10, +20
    expect(p.losing_trades).toBe(2); // −5, −15
    expect(p.breakeven_trades).toBe(1); // 0
  });

  it('ratios and averages', () => {
    expect(p.win_rate).toBe(40); // 2 / 5 × 100
    expect(p.total_profit_loss).toBe(10); // 10 − 5 + 20 + 0 − 15
    expect(p.avg_profit_loss).toBe(2); // 10 / 5
    expect(p.best_trade).toBe(20);
    expect(p.worst_trade).toBe(-15);
    expect(p.avg_win).toBe(15); // (10 + 20) / 2
    expect(p.avg_loss).toBe(-10); // (−5 − 15) / 2
    expect(p.profit_factor).toBe(1.5); // 30 / |−20|
    expect(p.expectancy).toBe(2); // 0.4 × 15 − 0.4 × 10 = 6 − 4
  });

  it('drawdown, duration, fees', () => {
    // cumulative 10, 5, 25, 25, 10; peak 10 → 5 (fall 5), peak 25 → 10 (fall 15) → 15
    expect(p.max_drawdown).toBe(15);
    expect(p.avg_duration_hours).toBe(3); // (1+2+3+4+5) / 5
    expect(p.total_fees).toBe(0.5); // 5 × 0.1, float error rounded away
  });

  it('equity curve: cumulative after each close, epoch seconds', () => {
    expect(p.equity_curve).toEqual([
      { time: (T0 + 1 * HOUR) / 1000, value: 10 },
      { time: (T0 + 2 * HOUR) / 1000, value: 5 },
      { time: (T0 + 3 * HOUR) / 1000, value: 25 },
      { time: (T0 + 4 * HOUR) / 1000, value: 25 },
      { time: (T0 + 5 * HOUR) / 1000, value: 10 },
    ]);
  });
});

describe('computePerformance — edge cases', () => {
  it('empty input: zeros, nulls, empty breakdowns and curve; unrealised passed through', () => {
    expect(computePerformance([], { unrealizedProfitLoss: 1.234567891 })).toEqual({
      total_trades: 0,
      open_trades: 0,
      closed_trades: 0,
      profitable_trades: 0,
      losing_trades: 0,
      breakeven_trades: 0,
      win_rate: 0,
      total_profit_loss: 0,
      avg_profit_loss: 0,
      unrealized_profit_loss: 1.23456789, // roundMoney: 8 decimals
      profit_factor: null,
      max_drawdown: 0,
      total_fees: 0,
      best_trade: null,
      worst_trade: null,
      avg_win: null,
      avg_loss: null,
      expectancy: 0,
      avg_duration_hours: null,
      by_symbol: {},
      by_direction: {},
      by_timeframe: {},
      equity_curve: [],
    });
  });

  it('no losses: profit_factor and avg_loss null, no drawdown', () => {
    const p = computePerformance([closed(4, 1), closed(6, 2)], { unrealizedProfitLoss: 0 });
    expect(p.profit_factor).toBeNull();
    expect(p.avg_loss).toBeNull();
    expect(p.avg_win).toBe(5); // (4 + 6) / 2
    expect(p.win_rate).toBe(100);
    expect(p.expectancy).toBe(5); // 1 × 5 − 0
    expect(p.max_drawdown).toBe(0); // cumulative 4, 10: never falls
  });

  it('only losses: profit_factor 0, a first loss is already a drawdown from 0', () => {
    // cumulative −5, −8; peak stays 0 → drawdown 8
    const p = computePerformance([closed(-5, 1), closed(-3, 2)], { unrealizedProfitLoss: 0 });
    expect(p.profit_factor).toBe(0); // 0 / |−8|
    expect(p.avg_win).toBeNull();
    expect(p.avg_loss).toBe(-4);
    expect(p.expectancy).toBe(-4); // 0 − 1 × 4
    expect(p.max_drawdown).toBe(8);
    expect(p.win_rate).toBe(0);
  });

  it('open, pending and cancelled trades: counted but not in P/L, fees or win rate', () => {
    const trades = [
      trade({ status: 'OPEN', fees: 9 }),
      trade({ status: 'PENDING' }),
      trade({ status: 'CANCELLED', exit_time: T0 + HOUR, profit_loss: 0, fees: 9 }),
      closed(3, 2, { fees: 0.25 }),
    ];
    const p = computePerformance(trades, { unrealizedProfitLoss: -1.5 });
    expect(p.total_trades).toBe(4); // cancelled counts here only
    expect(p.open_trades).toBe(2); // OPEN + PENDING
    expect(p.closed_trades).toBe(1);
    expect(p.breakeven_trades).toBe(0); // the cancelled 0 is not a breakeven close
    expect(p.win_rate).toBe(100); // 1 / 1
    expect(p.total_fees).toBe(0.25); // closed trades' fees only
    expect(p.unrealized_profit_loss).toBe(-1.5);
    expect(p.avg_duration_hours).toBe(2);
  });

  it('rounds money to 8 decimals and percentages to 4', () => {
    // 0.1 + 0.2 = 0.30000000000000004 in binary; win rate 2 / 3 × 100 = 66.6666…
    const p = computePerformance([closed(0.1, 1), closed(0.2, 2), closed(-0.000000004, 3)], {
      unrealizedProfitLoss: 0,
    });
    expect(p.total_profit_loss).toBe(0.3); // 0.299999996 → 0.3 (8 dp: 0.29999999|6 → 0.3)
    expect(p.win_rate).toBe(66.6667); // 2 / 3 × 100
    expect(p.avg_profit_loss).toBe(0.1); // 0.299999996 / 3 = 0.099999998|7 → 0.1
    expect(p.profit_factor).toBe(75_000_000); // 0.3 / 0.000000004
  });

  it('closed trade with null P/L or fees counts as breakeven with no fee', () => {
    const p = computePerformance([closed(0, 1, { profit_loss: null, fees: null })], { unrealizedProfitLoss: 0 });
    expect(p.breakeven_trades).toBe(1);
    expect(p.total_fees).toBe(0);
    expect(p.best_trade).toBe(0);
  });
});
