// Live P/L of a partly filled open trade (SPEC §9): realised legs + the remainder at the price, by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LegJson, TradeJson } from '../../shared/protocol-types.ts';
import { openTradePnl, remainderPnl, unrealizedRemainder } from '../../shared/open-trade-pnl.ts';
import { roundMoney, unrealizedPnl } from '../../shared/trade-math.ts';
import { openTradeJson } from '../helpers/plan-fields.ts';

const FEE = 0.001;

const openTrade = (over: Partial<TradeJson>): TradeJson => openTradeJson(over);

const leg = (kind: LegJson['kind'], price: number, quantity: number, fees: number, profit_loss: number): LegJson => ({
  kind,
  price,
  quantity,
  time: '2026-01-01T01:00:00.000Z',
  fees,
  profit_loss,
});

describe('open trade P/L (SPEC §9)', () => {
  // LONG 3 @ 100, targets 110/120/130 in thirds; TP1 filled: 1 × (110 − 100) − 1 × 210 × 0.001 = 9.79.
  const long = openTrade({
    targets: [
      { level: 110, share: 1 / 3, filled_at: '2026-01-01T01:00:00.000Z' },
      { level: 120, share: 1 / 3, filled_at: null },
      { level: 130, share: 1 / 3, filled_at: null },
    ],
    legs: [leg('TP1', 110, 1, 0.21, 9.79)],
    remaining_quantity: 2,
    realized_profit_loss: 9.79,
    stop_loss: 100,
    sl_mode: 'breakeven',
  });

  it('LONG after TP1: realised 9.79 + remainder 2 × 15 − 2 × 215 × 0.001 = 29.57 at 115', () => {
    expect(remainderPnl(long, 115, FEE)).toEqual({ fees: 0.43, profitLoss: 29.57 });
    // 39.36 / 300 × 100 = 13.12 %; fees 0.21 + 0.43.
    expect(openTradePnl(long, 115, FEE)).toEqual({ fees: 0.64, profitLoss: 39.36, profitLossPercentage: 13.12 });
    // The remainder alone, as the unrealised figure: 29.57 / 300 × 100 = 9.85666… → 9.8567.
    expect(unrealizedRemainder(long, 115, FEE)).toEqual({ fees: 0.43, profitLoss: 29.57, profitLossPercentage: 9.8567 });
  });

  it('LONG after TP1 below entry: the remainder loses, the realised leg stays', () => {
    // 2 × (95 − 100) − 2 × 195 × 0.001 = −10.39; total 9.79 − 10.39 = −0.6.
    expect(openTradePnl(long, 95, FEE)).toEqual({ fees: 0.6, profitLoss: -0.6, profitLossPercentage: -0.2 });
  });

  it('SHORT after TP1 with the price back above entry', () => {
    // SHORT 4 @ 50 on 200 USDT; TP1 took 2 @ 45: 2 × 5 − 2 × 95 × 0.001 = 9.81.
    const short = openTrade({
      direction: 'SHORT',
      entry_price: 50,
      quantity: 4,
      position_size: 200,
      take_profit: 40,
      stop_loss: 55,
      targets: [
        { level: 45, share: 0.5, filled_at: '2026-01-01T01:00:00.000Z' },
        { level: 40, share: 0.5, filled_at: null },
      ],
      legs: [leg('TP1', 45, 2, 0.19, 9.81)],
      remaining_quantity: 2,
      realized_profit_loss: 9.81,
    });
    // Remainder at 52: 2 × (50 − 52) − 2 × 102 × 0.001 = −4.204; total 5.606 → 2.803 %.
    expect(remainderPnl(short, 52, FEE)).toEqual({ fees: 0.204, profitLoss: -4.204 });
    expect(openTradePnl(short, 52, FEE)).toEqual({ fees: 0.394, profitLoss: 5.606, profitLossPercentage: 2.803 });
    expect(unrealizedRemainder(short, 52, FEE).profitLossPercentage).toBe(-2.102);
  });

  it('adds realised and remainder as decimals, not binary fractions', () => {
    // 0.1 + 0.2 in doubles is 0.30000000000000004; money is summed in 1e-8 units.
    // 0.4 @ 100 without fees: TP1 took 0.2 @ 100.5 (+0.1); the remainder 0.2 at 101 is +0.2.
    const t = openTrade({ quantity: 0.4, realized_profit_loss: 0.1, remaining_quantity: 0.2, legs: [leg('TP1', 100.5, 0.2, 0, 0.1)] });
    expect(openTradePnl(t, 101, 0).profitLoss).toBe(0.3);
  });

  it('a trade in the pre-§9 shape (no remaining_quantity, legs or realised P/L) is valued whole', () => {
    const { remaining_quantity: _r, realized_profit_loss: _p, legs: _l, ...old } = openTrade({});
    // 3 × 15 − 3 × 215 × 0.001 = 44.355 on 300 USDT.
    expect(openTradePnl(old, 115, FEE)).toEqual({ fees: 0.645, profitLoss: 44.355, profitLossPercentage: 14.785 });
    expect(unrealizedRemainder(old, 115, FEE).profitLoss).toBe(44.355);
  });

  it('a trade with no filled leg gives exactly trade-math’s unrealised P/L of the whole position', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('LONG' as const, 'SHORT' as const),
        fc.double({ min: 0.001, max: 100_000, noNaN: true }),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        fc.integer({ min: 1, max: 125 }),
        (direction, entry, move, leverage) => {
          const quantity = roundMoney((100 * leverage) / entry);
          const t = openTrade({ direction, entry_price: entry, quantity, position_size: 100, leverage, remaining_quantity: quantity });
          const whole = unrealizedPnl({ direction, entryPrice: entry, quantity, positionSize: 100 }, entry * move, FEE);
          expect(openTradePnl(t, entry * move, FEE)).toEqual(whole);
          expect(unrealizedRemainder(t, entry * move, FEE)).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });
});
