// Delivers the book's events to its listener. A throwing listener never corrupts the book: its error
// goes to `onListenerError`, or, without one, is rethrown once the book's own state is consistent.
import type { BookClose, BookEvents, BookTrade } from './types.ts';

export class BookFanout {
  constructor(
    private readonly listener: BookEvents | undefined,
    private readonly onListenerError: ((err: unknown) => void) | undefined,
  ) {}

  opened(t: BookTrade): void {
    const listener = this.listener;
    if (listener === undefined || listener.opened === undefined) return;
    try {
      listener.opened(t);
    } catch (err) {
      this.report(err);
    }
  }

  /** Once per tick, after its closes. */
  price(symbol: string, price: number, ts: number): void {
    const listener = this.listener;
    if (listener === undefined || listener.price === undefined) return;
    try {
      listener.price(symbol, price, ts);
    } catch (err) {
      this.report(err);
    }
  }

  /** Every close reaches the listener even if an earlier one threw; without a handler the first error is rethrown after. */
  closed(closes: readonly BookClose[]): void {
    const listener = this.listener;
    if (listener === undefined || listener.closed === undefined) return;
    let failure: { err: unknown } | undefined;
    for (const c of closes) {
      try {
        listener.closed(c);
      } catch (err) {
        if (this.onListenerError !== undefined) this.onListenerError(err);
        else failure ??= { err };
      }
    }
    if (failure !== undefined) throw failure.err;
  }

  private report(err: unknown): void {
    if (this.onListenerError === undefined) throw err;
    this.onListenerError(err);
  }
}
