import { describe, expect, it } from 'vitest';
import { crossedLevel, exitPriceFor, feesFor, profitLossAt, quantityFor, roundMoney, roundPct, roundTo } from '../../shared/trade-math.ts';

describe('trade math (SPEC §2)', () => {
  it('quantity = position × leverage / entry, 8 decimals', () => {
    expect(quantityFor(100, 1, 50_000)).toBe(0.002);
    expect(quantityFor(100, 10, 3)).toBe(333.33333333);
    expect(quantityFor(100, 1, 7)).toBe(14.28571429);
  });

  it('fees are charged on entry and exit notional', () => {
    // 0.002 × (50000 + 51000) × 0.001 = 0.202
    expect(roundMoney(feesFor(0.002, 50_000, 51_000, 0.001))).toBe(0.202);
  });

  it('LONG P/L: q × (exit − entry) − fees; percentage of position size', () => {
    // q = 0.002; gross = 0.002 × 1000 = 2; fees 0.202; net 1.798; 1.798 %
    const r = profitLossAt({ direction: 'LONG', entryPrice: 50_000, quantity: 0.002, positionSize: 100 }, 51_000, 0.001);
    expect(r).toEqual({ fees: 0.202, profitLoss: 1.798, profitLossPercentage: 1.798 });
  });

  it('SHORT P/L: q × (entry − exit) − fees', () => {
    // q = 0.002; gross = 0.002 × (50000 − 49000) = 2; fees = 0.002 × 99000 × 0.001 = 0.198; net 1.802
    const r = profitLossAt({ direction: 'SHORT', entryPrice: 50_000, quantity: 0.002, positionSize: 100 }, 49_000, 0.001);
    expect(r.profitLoss).toBe(1.802);
    expect(r.fees).toBe(0.198);
  });

  it('a losing trade has a negative P/L and percentage', () => {
    const r = profitLossAt({ direction: 'LONG', entryPrice: 100, quantity: 1, positionSize: 100 }, 90, 0);
    expect(r.profitLoss).toBe(-10);
    expect(r.profitLossPercentage).toBe(-10);
  });

  it('levels: LONG TP at ≥ tp, SL at ≤ sl; SHORT mirrored', () => {
    expect(crossedLevel('LONG', 110, 90, 110)).toBe('TP');
    expect(crossedLevel('LONG', 110, 90, 90)).toBe('SL');
    expect(crossedLevel('LONG', 110, 90, 100)).toBeNull();
    expect(crossedLevel('SHORT', 90, 110, 90)).toBe('TP');
    expect(crossedLevel('SHORT', 90, 110, 110)).toBe('SL');
    expect(crossedLevel('SHORT', 90, 110, 100)).toBeNull();
  });

  it('TP fills at the level; SL pays the gap', () => {
    expect(exitPriceFor('LONG', 'TP', 110, 90, 125)).toBe(110);
    expect(exitPriceFor('LONG', 'SL', 110, 90, 80)).toBe(80);
    expect(exitPriceFor('LONG', 'SL', 110, 90, 90)).toBe(90);
    expect(exitPriceFor('SHORT', 'SL', 90, 110, 130)).toBe(130);
    expect(exitPriceFor('SHORT', 'TP', 90, 110, 70)).toBe(90);
  });

  it('rounds half away from zero despite binary representation', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(roundPct(12.34565)).toBe(12.3457);
    expect(roundMoney(1.234567895)).toBe(1.2345679);
  });
});
