// Tracks, per symbol, when its last tick arrived (wall clock) and flags symbols with none for
// PRICE_STALE_MS. A stale symbol decides no TP/SL (it has no new price) and its open trades record a gap.
export class StalenessMonitor {
  private lastSeen = new Map<string, number>();
  private stale = new Set<string>();
  private lastAnyTick = 0;

  constructor(private staleMs: number) {}

  /** Records a tick; returns true when the symbol was stale and is now fresh again. */
  seen(symbol: string, now: number): boolean {
    this.lastSeen.set(symbol, now);
    this.lastAnyTick = now;
    return this.stale.delete(symbol);
  }

  /** Symbols that became stale since the last sweep. `watched` = symbols with open trades. */
  sweep(now: number, watched: Iterable<string>): string[] {
    const newly: string[] = [];
    for (const symbol of watched) {
      if (this.stale.has(symbol)) continue;
      const seen = this.lastSeen.get(symbol);
      if (seen === undefined) {
        // Never ticked since start: start its clock now, so a fresh process is not instantly stale.
        this.lastSeen.set(symbol, now);
        continue;
      }
      if (now - seen > this.staleMs) {
        this.stale.add(symbol);
        newly.push(symbol);
      }
    }
    return newly;
  }

  isStale(symbol: string): boolean {
    return this.stale.has(symbol);
  }

  staleSymbols(): string[] {
    return [...this.stale];
  }

  /** Milliseconds since the last tick of any symbol (Infinity if none yet). */
  feedAge(now: number): number {
    return this.lastAnyTick === 0 ? Infinity : now - this.lastAnyTick;
  }
}
