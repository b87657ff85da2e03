// Per-symbol price history built client-side from streamed prices (the server sends no candles).
// Points are one per second (the chart's resolution); a later tick in the same second replaces it.
import { toEpochSeconds } from './format.ts';

export interface PricePoint {
  time: number;
  value: number;
}

const MAX_POINTS = 5000;

export class PriceHistory {
  private readonly bySymbol = new Map<string, PricePoint[]>();

  /** Returns the point to hand to `series.update`, or null when the tick is older than the last. */
  add(symbol: string, price: number, ts: number): PricePoint | null {
    if (!Number.isFinite(price)) return null;
    const time = toEpochSeconds(ts);
    let points = this.bySymbol.get(symbol);
    if (!points) this.bySymbol.set(symbol, (points = []));
    const last = points.at(-1);
    if (last && time < last.time) return null;
    const point = { time, value: price };
    if (last && last.time === time) points[points.length - 1] = point;
    else points.push(point);
    if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
    return point;
  }

  points(symbol: string): readonly PricePoint[] {
    return this.bySymbol.get(symbol) ?? [];
  }
}
