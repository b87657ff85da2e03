// Signal-quality analytics over closed system trades (docs/ledger.md): win rate and average P/L by
// confidence bucket, timeframe and direction; planned reward/risk vs realised R; time to exit;
// MFE/MAE (max favourable / adverse excursion, % of entry) where the server measured them.
import type { Direction, Timeframe } from '../constants.ts';
import { directionSign, roundMoney, roundPct } from '../trade-math.ts';

export interface QualityTrade {
  id: number;
  direction: Direction;
  timeframe: Timeframe;
  confidence: number;
  entry_price: number;
  take_profit: number;
  stop_loss: number;
  exit_price: number;
  profit_loss: number;
  /** Epoch ms. */
  entry_time: number;
  exit_time: number;
  /** Percent of entry price, ≥ 0; null when no prices were seen over the trade's life. */
  mfe_pct: number | null;
  mae_pct: number | null;
}

export interface GroupStats {
  trades: number;
  win_rate: number;
  avg_profit_loss: number;
}

export const CONFIDENCE_BUCKETS = [
  { label: '0-0.5', lo: 0, hi: 0.5 },
  { label: '0.5-0.7', lo: 0.5, hi: 0.7 },
  { label: '0.7-0.85', lo: 0.7, hi: 0.85 },
  { label: '0.85-1', lo: 0.85, hi: 1.0000001 },
] as const;

export const EXIT_TIME_BUCKETS = [
  { label: '<5m', maxMs: 5 * 60_000 },
  { label: '5m-1h', maxMs: 3_600_000 },
  { label: '1h-4h', maxMs: 4 * 3_600_000 },
  { label: '4h-1d', maxMs: 86_400_000 },
  { label: '>1d', maxMs: Infinity },
] as const;

export interface SignalQuality {
  closed_trades: number;
  by_confidence: Record<string, GroupStats>;
  by_timeframe: Record<string, GroupStats>;
  by_direction: Record<string, GroupStats>;
  /** Mean of |tp − entry| / |entry − sl| as planned. */
  avg_planned_rr: number | null;
  /** Mean realised R: direction × (exit − entry) / |entry − sl| (1 R = the planned risk). */
  avg_realised_r: number | null;
  time_to_exit: { buckets: Record<string, number>; median_minutes: number | null };
  excursions: { measured: number; avg_mfe_pct: number | null; avg_mae_pct: number | null };
}

function group(trades: readonly QualityTrade[]): GroupStats {
  const wins = trades.filter((t) => t.profit_loss > 0).length;
  const sum = trades.reduce((s, t) => s + t.profit_loss, 0);
  return {
    trades: trades.length,
    win_rate: trades.length ? roundPct((wins / trades.length) * 100) : 0,
    avg_profit_loss: trades.length ? roundMoney(sum / trades.length) : 0,
  };
}

function groupBy(trades: readonly QualityTrade[], key: (t: QualityTrade) => string): Record<string, GroupStats> {
  const m = new Map<string, QualityTrade[]>();
  for (const t of trades) {
    const k = key(t);
    const arr = m.get(k);
    if (arr) arr.push(t);
    else m.set(k, [t]);
  }
  return Object.fromEntries([...m.keys()].sort().map((k) => [k, group(m.get(k)!)]));
}

export function confidenceBucket(c: number): string {
  return (CONFIDENCE_BUCKETS.find((b) => c >= b.lo && c < b.hi) ?? CONFIDENCE_BUCKETS[CONFIDENCE_BUCKETS.length - 1]!).label;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round4 = (v: number | null): number | null => (v === null ? null : roundPct(v));

export function computeSignalQuality(trades: readonly QualityTrade[]): SignalQuality {
  const byConfidence: Record<string, GroupStats> = {};
  for (const b of CONFIDENCE_BUCKETS) byConfidence[b.label] = group(trades.filter((t) => confidenceBucket(t.confidence) === b.label));

  const risky = trades.filter((t) => t.entry_price !== t.stop_loss);
  const planned = risky.map((t) => Math.abs(t.take_profit - t.entry_price) / Math.abs(t.entry_price - t.stop_loss));
  const realised = risky.map((t) => (directionSign(t.direction) * (t.exit_price - t.entry_price)) / Math.abs(t.entry_price - t.stop_loss));

  const buckets: Record<string, number> = Object.fromEntries(EXIT_TIME_BUCKETS.map((b) => [b.label, 0]));
  const durations = trades.map((t) => Math.max(0, t.exit_time - t.entry_time)).sort((a, b) => a - b);
  for (const d of durations) buckets[EXIT_TIME_BUCKETS.find((b) => d < b.maxMs)!.label]! += 1;
  const mid = durations.length >> 1;
  const median = durations.length === 0 ? null : durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2;

  const measured = trades.filter((t) => t.mfe_pct !== null && t.mae_pct !== null);
  return {
    closed_trades: trades.length,
    by_confidence: byConfidence,
    by_timeframe: groupBy(trades, (t) => t.timeframe),
    by_direction: groupBy(trades, (t) => t.direction),
    avg_planned_rr: round4(mean(planned)),
    avg_realised_r: round4(mean(realised)),
    time_to_exit: { buckets, median_minutes: median === null ? null : roundPct(median / 60_000) },
    excursions: {
      measured: measured.length,
      avg_mfe_pct: round4(mean(measured.map((t) => t.mfe_pct!))),
      avg_mae_pct: round4(mean(measured.map((t) => t.mae_pct!))),
    },
  };
}

/** MFE/MAE in % of entry from the price range over the trade's life (exit fill included). */
export function excursionsPct(direction: Direction, entry: number, exit: number, max: number, min: number): { mfe_pct: number; mae_pct: number } {
  const hi = Math.max(max, exit);
  const lo = Math.min(min, exit);
  const up = ((hi - entry) / entry) * 100;
  const down = ((entry - lo) / entry) * 100;
  const [fav, adv] = direction === 'LONG' ? [up, down] : [down, up];
  return { mfe_pct: roundPct(Math.max(0, fav)), mae_pct: roundPct(Math.max(0, adv)) };
}
