// PublicState loaded after construction (start-up reads the stored totals while the book hydrates):
// the same state as built from the totals, and never used or loaded twice by mistake.
import { describe, expect, it } from 'vitest';
import { PublicState } from '../../server/engine/public-state.ts';
import type { TradeTotals } from '../../shared/metrics/index.ts';

const totals: TradeTotals = {
  total: 6,
  cancelled: 1,
  closed: [
    { id: 3, exit_time: 2_000, profit_loss: -4.5, fees: 0.2 },
    { id: 1, exit_time: 1_000, profit_loss: 10, fees: 0.2 },
    { id: 2, exit_time: 1_000, profit_loss: 2.25, fees: 0.2 },
  ],
};

describe('PublicState.load', () => {
  it('gives the same summary and ticker as construction from the totals', () => {
    const later = new PublicState();
    later.load(totals, []);
    const now = new PublicState(totals, []);
    expect(later.summary(1.5)).toStrictEqual(now.summary(1.5));
    expect(later.ticker(-2)).toStrictEqual(now.ticker(-2));
    later.opened();
    now.opened();
    expect(later.summary(0)).toStrictEqual(now.summary(0));
  });

  it('refuses to be used before it is loaded, and to be loaded twice', () => {
    const s = new PublicState();
    expect(() => s.summary(0)).toThrow(/before its stored totals/);
    expect(() => s.opened()).toThrow(/before its stored totals/);
    expect(() => s.recentClosed()).toThrow(/before its stored totals/);
    s.load(totals, []);
    expect(() => s.load(totals, [])).toThrow(/already loaded/);
    expect(() => new PublicState(totals, []).load(totals, [])).toThrow(/already loaded/);
  });
});
