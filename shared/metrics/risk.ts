// SPEC §12 risk ratios over daily closed P/L (see calendar.ts for the days), trade streaks and
// R-multiples. Ratios and percentages are rounded to 4 decimals, like the other ratios of §3.
import type { MetricTrade } from './metric-trade.ts';
import { roundPct } from '../trade-math.ts';

const DAYS_PER_YEAR = 365;

export interface RiskRatios {
  sharpe: number | null;
  sortino: number | null;
  max_drawdown_pct: number | null;
  cagr: number | null;
  calmar: number | null;
}

const NONE: RiskRatios = { sharpe: null, sortino: null, max_drawdown_pct: null, cagr: null, calmar: null };

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? roundPct(v) : null);

/**
 * `dailyPl[i]` is the P/L closed on day i, every calendar day of the series (zero days included).
 * r_d = pl_d / E_{d−1} with E_0 = accountSize. The drawdown's first peak is accountSize (the
 * account before the first day). CAGR's `days` is the number of days in the series. Null: fewer
 * than 2 days; a zero denominator (all returns equal, no losing day, no drawdown); and for the
 * return-based ratios, any day starting at equity ≤ 0 (a return on nothing has no meaning), for
 * CAGR a final equity ≤ 0.
 */
export function riskRatios(dailyPl: ArrayLike<number>, accountSize: number): RiskRatios {
  const n = dailyPl.length;
  if (n < 2 || !(accountSize > 0)) return NONE;
  const r = new Float64Array(n);
  let equity = accountSize;
  let peak = accountSize;
  let maxDd = 0;
  let returnsValid = true;
  for (let i = 0; i < n; i++) {
    if (equity <= 0) returnsValid = false;
    r[i] = dailyPl[i]! / equity;
    equity += dailyPl[i]!;
    if (equity > peak) peak = equity;
    const dd = ((peak - equity) / peak) * 100;
    if (dd > maxDd) maxDd = dd;
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let downSq = 0;
  for (let i = 0; i < n; i++) {
    sum += r[i]!;
    if (r[i]! < min) min = r[i]!;
    if (r[i]! > max) max = r[i]!;
    if (r[i]! < 0) downSq += r[i]! * r[i]!;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (r[i]! - mean) ** 2;
  const std = Math.sqrt(sq / (n - 1));
  const downside = Math.sqrt(downSq / n);
  const annual = Math.sqrt(DAYS_PER_YEAR);
  // All-equal returns: the float residue of (r − mean) would give a huge ratio, not a null.
  const sharpe = returnsValid && max > min && std > 0 ? finiteOrNull((mean / std) * annual) : null;
  const sortino = returnsValid && downside > 0 ? finiteOrNull((mean / downside) * annual) : null;
  const cagrRaw = equity > 0 ? (equity / accountSize) ** (DAYS_PER_YEAR / n) - 1 : NaN;
  const cagr = finiteOrNull(cagrRaw);
  const calmar = cagr !== null && maxDd > 0 ? finiteOrNull(cagrRaw / (maxDd / 100)) : null;
  return { sharpe, sortino, max_drawdown_pct: roundPct(maxDd), cagr, calmar };
}

/** Longest runs of winning and of losing closes, in exit order; a breakeven close ends both. */
export function streaks(closes: readonly Pick<MetricTrade, 'profit_loss'>[]): { max_consecutive_wins: number; max_consecutive_losses: number } {
  let wins = 0;
  let losses = 0;
  let maxWins = 0;
  let maxLosses = 0;
  for (const t of closes) {
    const pl = t.profit_loss ?? 0;
    wins = pl > 0 ? wins + 1 : 0;
    losses = pl < 0 ? losses + 1 : 0;
    if (wins > maxWins) maxWins = wins;
    if (losses > maxLosses) maxLosses = losses;
  }
  return { max_consecutive_wins: maxWins, max_consecutive_losses: maxLosses };
}

/** Mean of P/L ÷ initial risk over closes whose risk is known and positive; null when none. */
export function avgRMultiple(closes: readonly Pick<MetricTrade, 'profit_loss' | 'initial_risk'>[]): number | null {
  let sum = 0;
  let n = 0;
  for (const t of closes) {
    const risk = t.initial_risk;
    if (risk === null || risk === undefined || !(risk > 0)) continue;
    sum += (t.profit_loss ?? 0) / risk;
    n += 1;
  }
  return n === 0 ? null : roundPct(sum / n);
}

/** |entry − initial stop| × quantity + fees: what the trade stood to lose when it was opened. */
export function initialRisk(entryPrice: number, initialStop: number | null, quantity: number, fees: number | null): number | null {
  if (initialStop === null || !Number.isFinite(initialStop)) return null;
  return Math.abs(entryPrice - initialStop) * quantity + (fees ?? 0);
}
