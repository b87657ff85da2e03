// Tracks, per symbol, when its last tick arrived (wall clock) and flags symbols with none for
// PRICE_STALE_MS. A stale symbol decides no TP/SL (it has no new price) and its open trades record a gap.
// Public readiness and gauges ask about public symbols only (PublicLiveView): see docs/security.md.
export class StalenessMonitor {
  private lastSeen = new Map<string, number>();
  /** Wall-clock time of each symbol's last real tick (lastSeen also holds clocks started by sweep). */
  private lastTick = new Map<string, number>();
  private stale = new Set<string>();

  constructor(private staleMs: number) {}

  /** Records a tick; returns true when the symbol was stale and is now fresh again. */
  seen(symbol: string, now: number): boolean {
    this.lastSeen.set(symbol, now);
    this.lastTick.set(symbol, now);
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

  /** A real tick within PRICE_STALE_MS and not flagged stale: the feed prices this symbol now. */
  hasFreshTick(symbol: string, now: number): boolean {
    const t = this.lastTick.get(symbol);
    return t !== undefined && now - t <= this.staleMs && !this.stale.has(symbol);
  }

  /** Milliseconds since the last tick of a symbol `counts` (Infinity if none yet). O(symbols ticked). */
  ageOf(counts: (symbol: string) => boolean, now: number): number {
    let last = 0;
    for (const [s, t] of this.lastTick) if (t > last && counts(s)) last = t;
    return last === 0 ? Infinity : now - last;
  }
}
