// The one failure a ledger check raises: the row (seq) it is about, or null for a database row.
export class Inconsistent extends Error {
  constructor(
    readonly seq: number | null,
    reason: string,
  ) {
    super(reason);
  }
}
