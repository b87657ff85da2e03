// Per price key 1m candles for the chart (SPEC §13): seeded from GET /api/public/candles/, closed
// minutes replaced by the server's own (the `candles` stream event), the open minute built here from
// streamed prices. Times are the minute's start in epoch seconds (lightweight-charts' UTCTimestamp).
import type { CandleJson } from '../../../shared/candles.ts';
import { MINUTE_MS } from '../../../shared/candles.ts';

export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

const MAX_BARS = 5000;

const barOf = (c: CandleJson): Bar => ({ time: c.start / 1000, open: c.open, high: c.high, low: c.low, close: c.close });

export class PriceHistory {
  private readonly byKey = new Map<string, Bar[]>();

  /** Folds a streamed price into its minute; returns the bar to hand to `series.update`, or null when older than the last bar. */
  add(key: string, price: number, ts: number): Bar | null {
    if (!Number.isFinite(price) || !Number.isFinite(ts)) return null;
    const time = Math.floor(ts / MINUTE_MS) * 60;
    const bars = this.barsOf(key);
    const last = bars.at(-1);
    if (last && time < last.time) return null;
    if (last && last.time === time) {
      const bar = { ...last, high: Math.max(last.high, price), low: Math.min(last.low, price), close: price };
      bars[bars.length - 1] = bar;
      return bar;
    }
    const bar = { time, open: price, high: price, low: price, close: price };
    this.push(bars, bar);
    return bar;
  }

  /** Server candles (REST or stream) replace the bars of their minutes; bars built here after them stay. */
  merge(key: string, candles: readonly CandleJson[]): void {
    if (candles.length === 0) return;
    const byTime = new Map(this.barsOf(key).map((b) => [b.time, b]));
    for (const c of candles) byTime.set(c.start / 1000, barOf(c));
    const bars = [...byTime.values()].sort((a, b) => a.time - b.time);
    if (bars.length > MAX_BARS) bars.splice(0, bars.length - MAX_BARS);
    this.byKey.set(key, bars);
  }

  bars(key: string): readonly Bar[] {
    return this.byKey.get(key) ?? [];
  }

  /** The bar of the minute `ts` falls in, if any. */
  barAt(key: string, ts: number): Bar | undefined {
    const time = Math.floor(ts / MINUTE_MS) * 60;
    const bars = this.byKey.get(key);
    if (!bars) return undefined;
    for (let i = bars.length - 1; i >= 0; i--) {
      const b = bars[i]!;
      if (b.time === time) return b;
      if (b.time < time) return undefined;
    }
    return undefined;
  }

  private barsOf(key: string): Bar[] {
    let bars = this.byKey.get(key);
    if (!bars) this.byKey.set(key, (bars = []));
    return bars;
  }

  private push(bars: Bar[], bar: Bar): void {
    bars.push(bar);
    if (bars.length > MAX_BARS) bars.splice(0, bars.length - MAX_BARS);
  }
}
