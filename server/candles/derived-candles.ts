// Larger intervals from 1m candles (SPEC §13: 5m…1d are derived, never stored). The stored rows are
// aggregated in SQL (server/persistence/candle-store.ts); this is the same rule in memory, for the
// minutes not yet flushed, and the merge of the two.
import { mergeCandles, type Candle } from './candle.ts';

/** Epoch-aligned, like SQL `date_bin` from 1970-01-01 UTC: 4h buckets at 00/04/08… UTC, 1d at midnight UTC. */
export function bucketStart(start: number, intervalMs: number): number {
  return start - (((start % intervalMs) + intervalMs) % intervalMs);
}

/** `candles` (1m, one key, any order) as candles of `intervalMs`, oldest first. */
export function aggregate(candles: readonly Candle[], intervalMs: number): Candle[] {
  const byStart = new Map<number, Candle>();
  for (const c of candles) {
    const start = bucketStart(c.start, intervalMs);
    const had = byStart.get(start);
    byStart.set(start, had ? mergeCandles(had, { ...c, start }) : { ...c, start });
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** Two series of one key and interval as one: candles of the same start merge. Oldest first. */
export function mergeSeries(a: readonly Candle[], b: readonly Candle[]): Candle[] {
  if (b.length === 0) return [...a];
  const byStart = new Map<number, Candle>();
  for (const c of a) byStart.set(c.start, c);
  for (const c of b) {
    const had = byStart.get(c.start);
    byStart.set(c.start, had ? mergeCandles(had, c) : c);
  }
  return [...byStart.values()].sort((x, y) => x.start - y.start);
}
