// Test clean-up that may fail without failing the test (a database already dropped, a peer already gone): the failure is printed, not thrown.
export function warnIfFails(what: string): (err: unknown) => void {
  return (err) => console.warn(`test clean-up: ${what} failed (ignored): ${err instanceof Error ? err.message : String(err)}`);
}
