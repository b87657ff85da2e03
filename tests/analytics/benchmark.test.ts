// Benchmark math (hold the symbol / BTC with the same position size and fees) and the service's
// bookkeeping of market prices at open and close.
import { describe, expect, it } from 'vitest';
import { computeBenchmark, holdProfitLoss } from '../../shared/analytics/benchmark.ts';
import { BenchmarkService } from '../../server/analytics/benchmark-service.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';

describe('benchmark', () => {
  it('holding = a spot LONG of the position size, both fees paid', () => {
    // 100 USDT at 50 000 → 0.002 BTC; exit 55 000: +10 gross, fees 0.002 × 105 000 × 0.001 = 0.21
    expect(holdProfitLoss(100, 50_000, 55_000, 0.001)).toBe(9.79);
    expect(holdProfitLoss(100, 100, 100, 0)).toBe(0);
  });

  it('sums per trade and builds the cumulative bot vs hold-BTC curve in exit order', () => {
    const b = computeBenchmark(
      [
        { id: 2, exit_time: 2000, position_size: 100, profit_loss: -1, symbol_entry: 10, symbol_exit: 11, btc_entry: 100, btc_exit: 90 },
        { id: 1, exit_time: 1000, position_size: 100, profit_loss: 3, symbol_entry: 10, symbol_exit: 9, btc_entry: null, btc_exit: null },
      ],
      0,
    );
    expect(b).toEqual({
      trades: 2,
      bot_profit_loss: 2,
      hold_symbol_profit_loss: 0,
      btc_trades: 1,
      hold_btc_profit_loss: -10,
      equity_curve: [
        { time: 1000, bot: 3, hold_btc: 0 },
        { time: 2000, bot: 2, hold_btc: -10 },
      ],
    });
  });

  it('takes the last market prices at open and close; unknown opens are not measured', () => {
    const s = new BenchmarkService(0);
    const t = {
      id: 7,
      symbol: 'ETHUSDT',
      status: 'OPEN',
      entry_price: 2000,
      position_size: 100,
      profit_loss: null,
      exit_time: null,
      exit_price: null,
    } as unknown as TradeJson;
    s.tick('BTCUSDT', 100);
    s.tick('ETHUSDT', 2000);
    s.opened(t);
    s.tick('BTCUSDT', 110);
    s.tick('ETHUSDT', 2200);
    s.closedTrade({ ...t, status: 'CLOSED_TP', profit_loss: 5, exit_price: 2200, exit_time: new Date(5000).toISOString() });
    s.closedTrade({ ...t, id: 8, status: 'CLOSED_TP', profit_loss: 5, exit_price: 2200, exit_time: new Date(5000).toISOString() });
    expect(s.compute([7, 8])).toMatchObject({ trades: 1, hold_symbol_profit_loss: 10, hold_btc_profit_loss: 10, bot_profit_loss: 5 });
  });
});
