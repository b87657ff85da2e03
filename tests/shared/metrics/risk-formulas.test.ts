// SPEC §12 formulas at their edges (nulls, zero denominators) and the local-day bucketing against
// one Intl call per instant, across DST changes, including a zone whose change is half an hour.
import { describe, expect, it } from 'vitest';
import { avgRMultiple, riskRatios, streaks } from '../../../shared/metrics/risk.ts';
import { dailyJson, dailySeries, monthlyJson } from '../../../shared/metrics/calendar.ts';
import { dayKey, LocalDays } from '../../../shared/metrics/time-zone.ts';

describe('riskRatios', () => {
  it('is all null with fewer than 2 days', () => {
    expect(riskRatios([5], 1000)).toEqual({ sharpe: null, sortino: null, max_drawdown_pct: null, cagr: null, calmar: null });
  });
  it('gives null for zero denominators: equal returns (std 0), no losing day, no drawdown', () => {
    const flat = riskRatios([0, 0, 0], 1000);
    expect(flat).toMatchObject({ sharpe: null, sortino: null, max_drawdown_pct: 0, cagr: 0, calmar: null });
    const up = riskRatios([10, 20], 1000);
    expect(up.sortino).toBeNull();
    expect(up.calmar).toBeNull();
    expect(up.sharpe).not.toBeNull();
  });
  it('hand-computed two days: +100 then −110 on 1000', () => {
    // r = [0.1, −0.1]; E = 1100, 990; mean 0; drawdown (1100 − 990) / 1100 = 10 %.
    const r = riskRatios([100, -110], 1000);
    expect(r.sharpe).toBe(0);
    expect(r.sortino).toBe(0);
    expect(r.max_drawdown_pct).toBe(10);
    expect(r.cagr).toBeCloseTo(0.99 ** (365 / 2) - 1, 4);
    expect(r.calmar).toBeCloseTo((0.99 ** (365 / 2) - 1) / 0.1, 4);
  });
  it('an account wiped out: returns and CAGR null, drawdown still measured', () => {
    const r = riskRatios([-1000, 10, -20], 1000);
    expect(r).toMatchObject({ sharpe: null, sortino: null, cagr: null, calmar: null });
    expect(r.max_drawdown_pct).toBe(101);
  });
});

describe('streaks and R-multiples', () => {
  it('a breakeven close ends both streaks', () => {
    const pls = [1, 2, 0, 3, -1, -1, -1, 0, -1].map((profit_loss) => ({ profit_loss }));
    expect(streaks(pls)).toEqual({ max_consecutive_wins: 2, max_consecutive_losses: 3 });
  });
  it('skips unknown or zero risk', () => {
    expect(
      avgRMultiple([
        { profit_loss: 10, initial_risk: 5 },
        { profit_loss: -5, initial_risk: 5 },
        { profit_loss: 7, initial_risk: null },
        { profit_loss: 7, initial_risk: 0 },
      ]),
    ).toBe(0.5);
    expect(avgRMultiple([])).toBeNull();
  });
});

describe('local days', () => {
  const viaIntl = (ms: number, tz: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
  for (const tz of ['UTC', 'Asia/Tokyo', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
    it(`match Intl in ${tz} over a year, every 37 minutes 13 seconds`, () => {
      const days = new LocalDays(tz);
      const start = Date.UTC(2026, 0, 1);
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 2_233_000) expect(dayKey(days.dayOf(ms)), new Date(ms).toISOString()).toBe(viaIntl(ms, tz));
    });
  }
  it('series spans first entry day to last close day, empty days in the returns, not in daily', () => {
    const d = Date.UTC(2026, 0, 31, 23, 30);
    const closes = [
      { entry_time: Date.UTC(2026, 0, 29, 10), exit_time: Date.UTC(2026, 0, 30, 10), profit_loss: 5 },
      { entry_time: Date.UTC(2026, 0, 31, 20), exit_time: d, profit_loss: -2 },
    ];
    const tokyo = dailySeries(closes, new LocalDays('Asia/Tokyo'))!;
    expect([...tokyo.pl]).toEqual([0, 5, 0, -2]); // 29 Jan … 1 Feb in Tokyo
    expect(dailyJson(tokyo)).toEqual([
      { date: '2026-01-30', profit_loss: 5, trades: 1 },
      { date: '2026-02-01', profit_loss: -2, trades: 1 },
    ]);
    expect(monthlyJson(tokyo, 1000)).toEqual([
      { month: '2026-01', profit_loss: 5, return_pct: 0.5 },
      { month: '2026-02', profit_loss: -2, return_pct: -0.199 },
    ]);
  });
});
