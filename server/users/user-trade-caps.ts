// Per-user caps on manual trades (issue 16, item 8): open trades and distinct open symbols per user.
// Without them one account opened 2,000 trades on 2,000 invented symbols in 14 s, each a book
// entry and (PRICE_FEED=binance) an upstream subscription. Counts come from the book (the user's
// open trades) plus opens admitted but not yet in it, so concurrent requests cannot overshoot.
import { ConflictError } from '../errors.ts';

export interface UserTradeCapLimits {
  /** Open manual trades per user (USER_MAX_OPEN_TRADES). */
  maxOpenTrades: number;
  /** Distinct symbols among a user's open manual trades (USER_MAX_OPEN_SYMBOLS). */
  maxOpenSymbols: number;
}

export type OpenSymbolsOf = (userId: number) => readonly string[];

/** A slot taken by `admit`; `release` it once the trade is in the book (or was not stored). */
export interface CapSlot {
  release(): void;
}

export class UserTradeCaps {
  /** Opens admitted and not yet released: userId → symbols, one entry per open. */
  private inFlight = new Map<number, string[]>();

  constructor(
    private limits: UserTradeCapLimits,
    private openSymbolsOf: OpenSymbolsOf,
  ) {}

  /** Throws ConflictError (409, "close one first") past a cap; else holds a slot for this open. */
  admit(userId: number, symbol: string): CapSlot {
    const pending = this.inFlight.get(userId) ?? [];
    const open = this.openSymbolsOf(userId);
    if (open.length + pending.length >= this.limits.maxOpenTrades) {
      throw new ConflictError(`you have ${this.limits.maxOpenTrades} open trades, the most one user may hold: close one first`, 'symbol');
    }
    const symbols = new Set([...open, ...pending]);
    if (!symbols.has(symbol) && symbols.size >= this.limits.maxOpenSymbols) {
      throw new ConflictError(
        `you hold open trades on ${this.limits.maxOpenSymbols} symbols, the most one user may: trade one of them or close one first`,
        'symbol',
      );
    }
    pending.push(symbol);
    this.inFlight.set(userId, pending);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const list = this.inFlight.get(userId);
        if (!list) return;
        list.splice(list.indexOf(symbol), 1);
        if (list.length === 0) this.inFlight.delete(userId);
      },
    };
  }
}
