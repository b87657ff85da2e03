// SPEC §11: the all-bots record (`/bot-performance`, the unfiltered public reads, the `/public`
// stream, the ticker and badge without `bot`) is every public bot's trades together; an `unlisted`
// bot's trades stay public (its page, `?bot=`, the ledger) but out of that record. This is the one
// place that says whose trades the record counts. Kept from the `bots` table by a watch (the CLI
// that sets a visibility is another process); every change bumps `version`, which the record's
// caches and its in-memory totals follow.

export class ListedBots {
  private unlisted: ReadonlySet<string> = new Set();
  private sorted: readonly string[] = [];
  private generation = 0;
  private readonly listeners: Array<() => void> = [];

  /** Whether a system trade of this bot counts in the all-bots record (a trade without a bot does). */
  includes(bot: string | null): boolean {
    return bot === null || !this.unlisted.has(bot);
  }

  /** True while every bot counts: the record's readers skip their filter. */
  get everyone(): boolean {
    return this.unlisted.size === 0;
  }

  /** The bots left out, for SQL (`bot <> ALL(?)`). */
  excluded(): readonly string[] {
    return this.sorted;
  }

  /** Grows with every change of the set. */
  get version(): number {
    return this.generation;
  }

  /** The unlisted bots now; listeners run when the set changed. Returns whether it did. */
  set(names: Iterable<string>): boolean {
    const next = new Set(names);
    if (next.size === this.unlisted.size && [...next].every((n) => this.unlisted.has(n))) return false;
    this.unlisted = next;
    this.sorted = [...next].sort();
    this.generation++;
    for (const fn of this.listeners) fn();
    return true;
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }
}
