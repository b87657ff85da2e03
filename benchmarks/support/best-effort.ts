// Clean-up steps of a bench that may fail without spoiling its figures: the failure is printed, not thrown.
export function warnIfFails(what: string): (err: unknown) => void {
  return (err) => console.error(`bench: ${what} failed (ignored): ${err instanceof Error ? err.message : String(err)}`);
}
