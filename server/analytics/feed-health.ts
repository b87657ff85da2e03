// Per-symbol feed health: age of the last tick and ticks per second over a short window (a ring of
// one-second buckets per symbol: O(1) per tick, O(window) per read). Wall-clock times, passed in.

export interface FeedHealthRow {
  symbol: string;
  /** Milliseconds since the symbol's last tick. */
  age_ms: number;
  /** Ticks per second over the last `windowSeconds` full seconds. */
  ticks_per_second: number;
  stale: boolean;
}

interface SymbolStats {
  last: number;
  /** Second (epoch) each bucket counts, and its count. */
  secs: Float64Array;
  counts: Uint32Array;
}

export class FeedHealth {
  private readonly bySymbol = new Map<string, SymbolStats>();

  constructor(private readonly windowSeconds = 10) {}

  record(symbol: string, now: number): void {
    let s = this.bySymbol.get(symbol);
    if (!s) {
      s = { last: now, secs: new Float64Array(this.windowSeconds + 1).fill(-1), counts: new Uint32Array(this.windowSeconds + 1) };
      this.bySymbol.set(symbol, s);
    }
    s.last = now;
    const sec = Math.floor(now / 1000);
    const i = sec % s.secs.length;
    if (s.secs[i] !== sec) {
      s.secs[i] = sec;
      s.counts[i] = 0;
    }
    s.counts[i]! += 1;
  }

  /** Rows for the symbols `include` admits, sorted by symbol. */
  rows(now: number, include: (symbol: string) => boolean, isStale: (symbol: string) => boolean): FeedHealthRow[] {
    const out: FeedHealthRow[] = [];
    const current = Math.floor(now / 1000);
    for (const [symbol, s] of this.bySymbol) {
      if (!include(symbol)) continue;
      let n = 0;
      // The current second is still filling: count the last `windowSeconds` complete ones.
      for (let k = 0; k < s.secs.length; k++) {
        const sec = s.secs[k]!;
        if (sec < current && sec >= current - this.windowSeconds) n += s.counts[k]!;
      }
      out.push({ symbol, age_ms: Math.max(0, now - s.last), ticks_per_second: n / this.windowSeconds, stale: isStale(symbol) });
    }
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }
}
