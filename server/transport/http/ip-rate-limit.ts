// Per-client-IP budget for the REST API (429 RATE_LIMITED past it). Synchronous on purpose: a uWS
// handler must register its body reader before any await, so the check cannot be a promise.
// Fixed one-second windows; the table is dropped each window, so it holds at most one second's IPs.

export class IpRateLimit {
  private window = 0;
  private counts = new Map<string, number>();

  /** `perSecond` requests per IP per second; 0 turns the limit off. */
  constructor(
    readonly perSecond: number,
    private now: () => number = Date.now,
  ) {}

  /** Counts one request from `ip`; false when it is over budget. */
  take(ip: string): boolean {
    if (this.perSecond <= 0) return true;
    const w = Math.floor(this.now() / 1000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
    const n = (this.counts.get(ip) ?? 0) + 1;
    this.counts.set(ip, n);
    return n <= this.perSecond;
  }
}
