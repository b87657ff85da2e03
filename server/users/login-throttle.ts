// Failed-login throttling that an attacker cannot turn against the account's owner (issue 16 item 9).
// Failures are counted per (username, source): after a few, that pair waits a doubling delay before
// its next attempt is even hashed. A source's failures across all usernames have a budget (credential
// stuffing). Many failures on one username from everywhere only shorten every source's free tries:
// an owner on a source with no failures of its own always gets an attempt at once.
// Pure: time comes in as an argument; the caller keys sources (see source-key.ts).

export interface LoginThrottleLimits {
  /** Failures per (username, source) before the backoff starts. */
  failuresPerSource: number;
  /** First backoff delay; it doubles with each further failure of the pair. */
  backoffBaseMs: number;
  /** Longest backoff delay (also how long a quiet pair is remembered). */
  backoffMaxMs: number;
  /** Failures per source across all usernames per hour before the source is refused. */
  failuresPerIpPerHour: number;
  /** Failures per username (all sources) per 15 minutes above which each source gets one free try. */
  failuresPerUsername: number;
}

/** Why an attempt may not go ahead, and for how long. */
export interface Refusal {
  reason: 'source' | 'pair';
  retryAfterMs: number;
}

interface PairState {
  failures: number;
  lastFailureAt: number;
}

interface WindowCount {
  count: number;
  startedAt: number;
}

const HOUR_MS = 3_600_000;
const USERNAME_WINDOW_MS = 15 * 60_000;
/** Entries kept per map before expired (then oldest) ones are dropped: memory stays bounded. */
const DEFAULT_MAX_ENTRIES = 100_000;

export class LoginThrottle {
  private pairs = new Map<string, PairState>();
  private sources = new Map<string, WindowCount>();
  private usernames = new Map<string, WindowCount>();

  constructor(
    private limits: LoginThrottleLimits,
    private maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  /**
   * null when an attempt for `username` from `source` may be checked now. An admitted attempt is
   * counted as a failure at once, so concurrent attempts see it (without that, requests sent
   * together all pass before the first one's password check fails); `succeeded` takes it back.
   */
  attempt(username: string, source: string, now: number): Refusal | null {
    const refusal = this.refusal(username, source, now);
    if (!refusal) this.failed(username, source, now);
    return refusal;
  }

  /** The right password: this pair starts afresh (other sources keep their counts). */
  succeeded(username: string, source: string, now: number): void {
    this.pairs.delete(pairKey(username, source));
    unbump(this.sources, source, HOUR_MS, now);
    unbump(this.usernames, username, USERNAME_WINDOW_MS, now);
  }

  /** The attempt could not be checked (e.g. the database was down): it does not count. */
  released(username: string, source: string, now: number): void {
    const key = pairKey(username, source);
    const pair = this.pairs.get(key);
    if (pair && pair.failures > 1) pair.failures--;
    else this.pairs.delete(key);
    unbump(this.sources, source, HOUR_MS, now);
    unbump(this.usernames, username, USERNAME_WINDOW_MS, now);
  }

  private refusal(username: string, source: string, now: number): Refusal | null {
    const src = live(this.sources, source, HOUR_MS, now);
    if (src && src.count >= this.limits.failuresPerIpPerHour) {
      return { reason: 'source', retryAfterMs: src.startedAt + HOUR_MS - now };
    }
    const pair = this.pairs.get(pairKey(username, source));
    if (!pair) return null;
    const wait = pair.lastFailureAt + this.delayAfter(pair.failures, username, now) - now;
    return wait > 0 ? { reason: 'pair', retryAfterMs: wait } : null;
  }

  private failed(username: string, source: string, now: number): void {
    const key = pairKey(username, source);
    const pair = this.pairs.get(key);
    const fresh = !pair || now - pair.lastFailureAt > this.limits.backoffMaxMs;
    this.pairs.delete(key); // re-insert: the map's order is least recently failed first
    this.pairs.set(key, { failures: fresh ? 1 : pair.failures + 1, lastFailureAt: now });
    bump(this.sources, source, HOUR_MS, now);
    bump(this.usernames, username, USERNAME_WINDOW_MS, now);
    this.prune(now);
  }

  /** Delay the pair must wait after its `failures`-th failure before the next attempt. */
  private delayAfter(failures: number, username: string, now: number): number {
    const hot = (live(this.usernames, username, USERNAME_WINDOW_MS, now)?.count ?? 0) >= this.limits.failuresPerUsername;
    const free = hot ? 1 : this.limits.failuresPerSource;
    if (failures < free) return 0;
    const { backoffBaseMs, backoffMaxMs } = this.limits;
    return Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(failures - free, 40));
  }

  private prune(now: number): void {
    trim(this.pairs, this.maxEntries, (p) => now - p.lastFailureAt > this.limits.backoffMaxMs);
    trim(this.sources, this.maxEntries, (w) => now - w.startedAt >= HOUR_MS);
    trim(this.usernames, this.maxEntries, (w) => now - w.startedAt >= USERNAME_WINDOW_MS);
  }
}

// NUL cannot occur in a username (schema) or an address, so the pair key is unambiguous.
const pairKey = (username: string, source: string) => `${username}\u0000${source}`;

function live(map: Map<string, WindowCount>, key: string, windowMs: number, now: number): WindowCount | undefined {
  const w = map.get(key);
  return w && now - w.startedAt < windowMs ? w : undefined;
}

function bump(map: Map<string, WindowCount>, key: string, windowMs: number, now: number): void {
  const w = live(map, key, windowMs, now);
  if (w) w.count++;
  else {
    map.delete(key);
    map.set(key, { count: 1, startedAt: now });
  }
}

function unbump(map: Map<string, WindowCount>, key: string, windowMs: number, now: number): void {
  const w = live(map, key, windowMs, now);
  if (w && w.count > 0) w.count--;
}

/** Over `max` entries: drop expired ones, then the oldest, down to 90 % of `max`. */
function trim<V>(map: Map<string, V>, max: number, expired: (v: V) => boolean): void {
  if (map.size <= max) return;
  for (const [k, v] of map) if (expired(v)) map.delete(k);
  for (const k of map.keys()) {
    if (map.size <= max * 0.9) break;
    map.delete(k);
  }
}
