// The heat-map's layout: Monday-first weeks from the first to the last listed day, blanks outside.
import { describe, expect, it } from 'vitest';
import { calendarWeeks } from '../../web/src/lib/calendar-grid.ts';

describe('calendarWeeks', () => {
  it('lays Thursday 15 January … Sunday 1 February 2026 out in Monday-first weeks', () => {
    const weeks = calendarWeeks([
      { date: '2026-01-15', profit_loss: -4, trades: 1 },
      { date: '2026-02-01', profit_loss: 12, trades: 2 },
    ]);
    expect(weeks).toHaveLength(3);
    expect(weeks[0]!.slice(0, 3)).toEqual([null, null, null]); // Mon–Wed before the first day
    expect(weeks[0]![3]).toEqual({ date: '2026-01-15', profit_loss: -4, trades: 1, intensity: 4 / 12 });
    expect(weeks[1]![0]).toEqual({ date: '2026-01-19', profit_loss: null, trades: 0, intensity: 0 });
    expect(weeks[2]![6]).toEqual({ date: '2026-02-01', profit_loss: 12, trades: 2, intensity: 1 });
    expect(weeks.flat().filter((c) => c !== null)).toHaveLength(18);
  });
  it('is empty without days', () => {
    expect(calendarWeeks([])).toEqual([]);
  });
});
