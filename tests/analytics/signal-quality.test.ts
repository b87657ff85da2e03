// computeSignalQuality on hand-made trades: buckets, R multiples, time to exit, excursions.
import { describe, expect, it } from 'vitest';
import { computeSignalQuality, confidenceBucket, excursionsPct, type QualityTrade } from '../../shared/analytics/signal-quality.ts';

const H = 3_600_000;
function trade(over: Partial<QualityTrade>): QualityTrade {
  return {
    id: 1,
    direction: 'LONG',
    timeframe: '1h',
    confidence: 0.6,
    entry_price: 100,
    take_profit: 110,
    stop_loss: 95,
    exit_price: 110,
    profit_loss: 9.79,
    entry_time: 0,
    exit_time: H,
    mfe_pct: 10,
    mae_pct: 2,
    ...over,
  };
}

describe('signal quality', () => {
  it('buckets confidence at 0.5 / 0.7 / 0.85 (lower bound inclusive, 1 in the top bucket)', () => {
    expect([0, 0.49, 0.5, 0.69, 0.7, 0.85, 1].map(confidenceBucket)).toEqual(['0-0.5', '0-0.5', '0.5-0.7', '0.5-0.7', '0.7-0.85', '0.85-1', '0.85-1']);
  });

  it('computes win rate and average P/L per group, planned vs realised R, exit-time distribution', () => {
    const q = computeSignalQuality([
      trade({ id: 1 }),
      trade({ id: 2, exit_price: 95, profit_loss: -5.19, confidence: 0.9, exit_time: 2 * 60_000, mfe_pct: 1, mae_pct: 5 }),
      trade({
        id: 3,
        direction: 'SHORT',
        take_profit: 90,
        stop_loss: 105,
        exit_price: 90,
        profit_loss: 9.81,
        timeframe: '4h',
        exit_time: 30 * H,
        mfe_pct: null,
        mae_pct: null,
      }),
    ]);
    expect(q.closed_trades).toBe(3);
    expect(q.by_confidence['0.5-0.7']).toEqual({ trades: 2, win_rate: 100, avg_profit_loss: 9.8 });
    expect(q.by_confidence['0.85-1']).toEqual({ trades: 1, win_rate: 0, avg_profit_loss: -5.19 });
    expect(q.by_confidence['0-0.5']).toEqual({ trades: 0, win_rate: 0, avg_profit_loss: 0 });
    expect(q.by_direction).toEqual({ LONG: { trades: 2, win_rate: 50, avg_profit_loss: 2.3 }, SHORT: { trades: 1, win_rate: 100, avg_profit_loss: 9.81 } });
    expect(Object.keys(q.by_timeframe)).toEqual(['1h', '4h']);
    expect(q.avg_planned_rr).toBe(2);
    expect(q.avg_realised_r).toBe(1); // (2 − 1 + 2) / 3
    expect(q.time_to_exit).toEqual({ buckets: { '<5m': 1, '5m-1h': 0, '1h-4h': 1, '4h-1d': 0, '>1d': 1 }, median_minutes: 60 });
    expect(q.excursions).toEqual({ measured: 2, avg_mfe_pct: 5.5, avg_mae_pct: 3.5 });
  });

  it('is empty-safe', () => {
    expect(computeSignalQuality([])).toMatchObject({ closed_trades: 0, avg_planned_rr: null, time_to_exit: { median_minutes: null } });
  });

  it('measures excursions from the direction of the trade, exit fill included', () => {
    expect(excursionsPct('LONG', 100, 94, 104, 96)).toEqual({ mfe_pct: 4, mae_pct: 6 });
    expect(excursionsPct('SHORT', 100, 90, 101, 95)).toEqual({ mfe_pct: 10, mae_pct: 1 });
  });
});
