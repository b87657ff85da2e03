// The daily P/L heat-map's layout: whole weeks (Monday first) from the first to the last listed
// day, one cell per day, shaded by |P/L| relative to the largest day. Pure, so it is tested alone.
import type { DailyPlJson } from '../../../shared/protocol-types.ts';

const DAY_MS = 86_400_000;

export interface CalendarCell {
  date: string;
  profit_loss: number | null;
  trades: number;
  /** 0…1: |P/L| over the largest |P/L| of any day (0 for days without closes). */
  intensity: number;
}

const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Columns of 7 cells (Mon…Sun); days outside the range are null. */
export function calendarWeeks(daily: readonly DailyPlJson[]): (CalendarCell | null)[][] {
  if (daily.length === 0) return [];
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const max = Math.max(...daily.map((d) => Math.abs(d.profit_loss)), 0);
  const first = dayMs(daily[0]!.date);
  const last = dayMs(daily[daily.length - 1]!.date);
  const weekday = (ms: number) => (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  const weeks: (CalendarCell | null)[][] = [];
  for (let start = first - weekday(first) * DAY_MS; start <= last; start += 7 * DAY_MS) {
    const week: (CalendarCell | null)[] = [];
    for (let i = 0; i < 7; i++) {
      const ms = start + i * DAY_MS;
      if (ms < first || ms > last) {
        week.push(null);
        continue;
      }
      const date = new Date(ms).toISOString().slice(0, 10);
      const d = byDate.get(date);
      week.push({ date, profit_loss: d ? d.profit_loss : null, trades: d?.trades ?? 0, intensity: d && max > 0 ? Math.abs(d.profit_loss) / max : 0 });
    }
    weeks.push(week);
  }
  return weeks;
}
