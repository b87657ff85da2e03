// Per-user budget for the user trade API (issue 16, item 8): requests per second and per minute per
// account, on top of the per-IP limit (one account from many addresses is still one budget).
// Synchronous and fixed-window like IpRateLimit; each table is dropped when its window turns, so
// it holds at most one window's users.
import { RateLimitedError } from '../errors.ts';

export interface UserRequestLimits {
  /** USER_REQUESTS_PER_SECOND; 0 = off. */
  perSecond: number;
  /** USER_REQUESTS_PER_MINUTE; 0 = off. */
  perMinute: number;
}

class Window {
  private current = -1;
  private counts = new Map<number, number>();

  constructor(
    private budget: number,
    private lengthMs: number,
  ) {}

  /** Counts one request; false when over budget. */
  take(userId: number, now: number): boolean {
    if (this.budget <= 0) return true;
    const w = Math.floor(now / this.lengthMs);
    if (w !== this.current) {
      this.current = w;
      this.counts.clear();
    }
    const n = (this.counts.get(userId) ?? 0) + 1;
    this.counts.set(userId, n);
    return n <= this.budget;
  }
}

export class UserRequestLimit {
  private second: Window;
  private minute: Window;

  constructor(
    readonly limits: UserRequestLimits,
    private now: () => number = Date.now,
  ) {
    this.second = new Window(limits.perSecond, 1_000);
    this.minute = new Window(limits.perMinute, 60_000);
  }

  /** Counts one request by `userId`; throws RateLimitedError (429) past either budget. */
  take(userId: number): void {
    const now = this.now();
    // Both windows count every request, so a refused burst still spends the minute's budget.
    const inSecond = this.second.take(userId, now);
    const inMinute = this.minute.take(userId, now);
    if (!inMinute) throw new RateLimitedError(`more than ${this.limits.perMinute} requests in a minute from this account: slow down`);
    if (!inSecond) throw new RateLimitedError(`more than ${this.limits.perSecond} requests in a second from this account: slow down`);
  }
}
