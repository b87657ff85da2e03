// The position chart's lines and the plan labels (SPEC §9), from the wire form alone.
import { LineStyle } from 'lightweight-charts';
import { describe, expect, it } from 'vitest';
import { tradeLines } from '../../web/src/lib/chart-lines.ts';
import { exitReason } from '../../web/src/lib/format.ts';
import { nextTarget, openShare, stopInForce, targetProgress } from '../../web/src/lib/trade-plan.ts';
import { CLOSED_TP, OPEN_BTC } from './fixtures.ts';
import { CLOSED_MULTI, OPEN_MULTI, OPEN_MULTI_AFTER_TP2, OPEN_MULTI_TRAILING } from './plan-fixtures.ts';

const summary = (t: Parameters<typeof tradeLines>[0]) => tradeLines(t).map((l) => [l.id, l.title, l.price, l.lineStyle]);

describe('chart lines', () => {
  it('a single-target trade: entry, TP and SL as before', () => {
    expect(summary(OPEN_BTC)).toEqual([
      ['entry', 'Entry', 50_000, LineStyle.Dashed],
      ['tp1', 'TP', 51_000, LineStyle.Solid],
      ['sl', 'SL', 49_500, LineStyle.Solid],
    ]);
  });

  it('every target, the filled one dashed and ticked, and the stop at breakeven', () => {
    expect(summary(OPEN_MULTI)).toEqual([
      ['entry', 'Entry', 100, LineStyle.Dashed],
      ['tp1', 'TP1 ✓', 110, LineStyle.Dashed],
      ['tp2', 'TP2', 120, LineStyle.Solid],
      ['tp3', 'TP3', 130, LineStyle.Solid],
      ['sl', 'SL (BE)', 100, LineStyle.Solid],
    ]);
    expect(tradeLines(OPEN_MULTI).find((l) => l.id === 'tp1')!.color).not.toBe(tradeLines(OPEN_MULTI).find((l) => l.id === 'tp2')!.color);
  });

  it('the stop follows the trade: moved to TP1, then a tighter trailing stop', () => {
    expect(summary(OPEN_MULTI_AFTER_TP2).slice(-2)).toEqual([
      ['tp3', 'TP3', 130, LineStyle.Solid],
      ['sl', 'SL (moved)', 110, LineStyle.Solid],
    ]);
    expect(summary(OPEN_MULTI_TRAILING).at(-1)).toEqual(['sl', 'Trailing SL', 122.5, LineStyle.LargeDashed]);
  });

  it('a trailing stop looser than the managed stop is not the one in force', () => {
    const loose = { ...OPEN_MULTI_AFTER_TP2, trailing_stop: { callback_rate: 0.2, activation_price: null, best_price: 125, level: 100 } };
    expect(stopInForce(loose)).toEqual({ price: 110, kind: 'moved' });
    // A server that folds the trailing level into stop_loss: still shown as trailing.
    const folded = { ...OPEN_MULTI_TRAILING, stop_loss: 122.5 };
    expect(stopInForce(folded)).toEqual({ price: 122.5, kind: 'trailing' });
    const short = { ...OPEN_MULTI_TRAILING, direction: 'SHORT' as const, stop_loss: 130, trailing_stop: { ...OPEN_MULTI_TRAILING.trailing_stop!, level: 127 } };
    expect(stopInForce(short)).toEqual({ price: 127, kind: 'trailing' });
  });
});

describe('plan labels', () => {
  it('targets filled, the next one, and the share still open', () => {
    expect(targetProgress(OPEN_MULTI)).toEqual({ filled: 1, total: 3 });
    expect(nextTarget(OPEN_MULTI)).toBe(120);
    expect(openShare(OPEN_MULTI)).toBeCloseTo(2 / 3, 12);
    expect(targetProgress(OPEN_BTC)).toEqual({ filled: 0, total: 1 });
    expect(nextTarget(OPEN_BTC)).toBe(51_000);
    expect(openShare(OPEN_BTC)).toBe(1);
  });

  it('exit reason from the last leg; a lone target still reads "TP"', () => {
    expect(exitReason(CLOSED_MULTI)).toBe('SL');
    expect(exitReason({ ...CLOSED_MULTI, status: 'CLOSED_TP', exit_reason: 'TP3' })).toBe('TP3');
    expect(exitReason({ ...CLOSED_MULTI, exit_reason: 'TRAILING' })).toBe('Trailing SL');
    expect(exitReason({ ...CLOSED_TP, exit_reason: 'TP1' })).toBe('TP');
    expect(exitReason({ status: 'CANCELLED' })).toBe('Cancelled (never filled)');
  });
});
