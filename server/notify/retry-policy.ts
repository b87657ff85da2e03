// When a failed notification is tried again (SPEC §14): exponential backoff with jitter, a
// receiver's own "retry after" honoured, and a window (24 h by default) after which it is dead.

export interface RetryPolicy {
  /** Delay after the first failure; doubles per try. */
  baseMs: number;
  /** Largest delay between two tries. */
  maxMs: number;
  /** Tries continue while the row is younger than this; the first failure past it is dead. */
  windowMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 30 * 60_000, windowMs: 24 * 3_600_000 };

/**
 * Milliseconds until the next try after failure number `attempts` (1 = the first try failed), or
 * null when the window is over. "Equal jitter": half the exponential delay fixed, half random, so
 * receivers that failed together do not all come back at once and no delay collapses to zero.
 * A receiver's retry-after wins when it asks for longer (capped at the window's end).
 */
export function retryDelayMs(
  p: RetryPolicy,
  attempts: number,
  queuedAt: number,
  now: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number | null {
  const left = queuedAt + p.windowMs - now;
  if (left <= 0) return null;
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  const jittered = exp / 2 + (random() * exp) / 2;
  const wanted = Math.max(jittered, retryAfterMs ?? 0);
  // The last try falls inside the window, so a row is tried for the whole of it.
  return Math.max(0, Math.round(Math.min(wanted, left)));
}
