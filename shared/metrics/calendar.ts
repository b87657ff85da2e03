// SPEC §12 calendar: closed P/L per local day (every day from the first entry day to the last close
// day, empty days included) and per month, in the requested time zone.
import type { DailyPlJson, MonthlyReturnJson } from '../protocol-types.ts';
import { roundMoney, roundPct } from '../trade-math.ts';
import type { MetricTrade } from './metric-trade.ts';
import { exitTimeOf } from './metric-trade.ts';
import { dayKey, type LocalDays } from './time-zone.ts';

export type CalendarClose = Pick<MetricTrade, 'entry_time' | 'exit_time' | 'profit_loss'>;

/** Day `firstDay + i` closed `trades[i]` trades for `pl[i]` in total. */
export interface DailySeries {
  firstDay: number;
  pl: Float64Array;
  trades: Uint32Array;
}

/** Closes in exit order; null when there are none. A null P/L counts as 0 (breakeven). */
export function dailySeries(closes: readonly CalendarClose[], days: LocalDays): DailySeries | null {
  if (closes.length === 0) return null;
  let firstEntry = Infinity;
  for (const t of closes) if (t.entry_time < firstEntry) firstEntry = t.entry_time;
  const firstDay = Math.min(days.dayOf(firstEntry), days.dayOf(exitTimeOf(closes[0]!)));
  const lastDay = days.dayOf(exitTimeOf(closes[closes.length - 1]!));
  const n = lastDay - firstDay + 1;
  const pl = new Float64Array(n);
  const trades = new Uint32Array(n);
  for (const t of closes) {
    const i = days.dayOf(exitTimeOf(t)) - firstDay;
    pl[i]! += t.profit_loss ?? 0;
    trades[i]! += 1;
  }
  return { firstDay, pl, trades };
}

/** Days with at least one close (the page draws the empty ones itself). */
export function dailyJson(s: DailySeries | null): DailyPlJson[] {
  const out: DailyPlJson[] = [];
  if (!s) return out;
  for (let i = 0; i < s.pl.length; i++) {
    if (s.trades[i] === 0) continue;
    out.push({ date: dayKey(s.firstDay + i), profit_loss: roundMoney(s.pl[i]!), trades: s.trades[i]! });
  }
  return out;
}

/**
 * Per month `YYYY-MM`: closed P/L and its return on the equity the month started with
 * (`ACCOUNT_SIZE` + every earlier close), in % — null when that equity is not positive.
 */
export function monthlyJson(s: DailySeries | null, accountSize: number): MonthlyReturnJson[] {
  const out: MonthlyReturnJson[] = [];
  if (!s) return out;
  let equity = accountSize;
  let month = '';
  let start = equity;
  let sum = 0;
  const flush = () => {
    if (month) out.push({ month, profit_loss: roundMoney(sum), return_pct: start > 0 ? roundPct((sum / start) * 100) : null });
  };
  for (let i = 0; i < s.pl.length; i++) {
    const m = dayKey(s.firstDay + i).slice(0, 7);
    if (m !== month) {
      flush();
      month = m;
      start = equity;
      sum = 0;
    }
    sum += s.pl[i]!;
    equity += s.pl[i]!;
  }
  flush();
  return out;
}
