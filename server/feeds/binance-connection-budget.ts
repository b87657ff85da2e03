// Binance allows 300 connection attempts per 5 minutes per IP and bans clients that ignore 429s.
// One budget is shared by every Binance connection of the process (spot and futures, all pools),
// so a server that closes every socket at once cannot make us exceed it; 429/418 answers block
// all connections until their Retry-After has passed.
import type { Timers } from './timers.ts';

export const CONNECTION_WINDOW_MS = 5 * 60_000;

export class ConnectionBudget {
  private readonly attempts: number[] = [];
  private blockedUntil = 0;

  constructor(
    private readonly timers: Timers,
    /** Attempts allowed per window; below Binance's 300 to leave room for other clients on the IP. */
    private readonly maxPerWindow: number,
    private readonly windowMs = CONNECTION_WINDOW_MS,
  ) {}

  /** 0 (and the attempt is counted) when a connection may be opened now; else milliseconds to wait. */
  acquire(): number {
    const now = this.timers.now();
    if (now < this.blockedUntil) return this.blockedUntil - now;
    while (this.attempts.length > 0 && now - this.attempts[0]! >= this.windowMs) this.attempts.shift();
    if (this.attempts.length >= this.maxPerWindow) return Math.max(1, this.attempts[0]! + this.windowMs - now);
    this.attempts.push(now);
    return 0;
  }

  /** No connection attempt before `until` (epoch ms). */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** When a 429/418 (or 403) still holds every connection back; null otherwise. */
  retryAfterUntil(): number | null {
    return this.blockedUntil > this.timers.now() ? this.blockedUntil : null;
  }

  /** Attempts counted in the current window. */
  used(): number {
    const now = this.timers.now();
    return this.attempts.filter((t) => now - t < this.windowMs).length;
  }
}

/** Conservative waits when Binance refuses a handshake without a usable Retry-After. */
const DEFAULT_WAIT_MS: Record<number, number> = { 429: 60_000, 418: 120_000, 403: 300_000 };
const MAX_WAIT_MS = 3 * 24 * 3600_000;

/** How long a refused handshake (429/418/403) must wait: Retry-After in seconds or an HTTP date. */
export function refusalWaitMs(status: number, retryAfter: string | undefined, now: number): number {
  const fallback = DEFAULT_WAIT_MS[status] ?? 0;
  if (!retryAfter) return fallback;
  const trimmed = retryAfter.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms) || ms <= 0) return fallback;
  return Math.min(Math.max(ms, fallback > 0 ? 1_000 : 0), MAX_WAIT_MS);
}
