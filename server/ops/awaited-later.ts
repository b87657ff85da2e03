// For a promise started now and awaited later in the same flow (work overlapped with other work):
// until that await, a rejection would be reported as unhandled and end the process.

/**
 * Returns `p` itself with a handler attached that only marks its rejection as handled. The caller
 * still awaits `p`, and that await rethrows: nothing is swallowed. Use it only when the await is
 * certain (not inside a branch that may return first without it).
 */
export function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(deliveredAtTheAwait);
  return p;
}

function deliveredAtTheAwait(): void {
  // The rejection reaches the caller where it awaits `p`; here it is only marked handled.
}
