// Everything the book keeps per symbol: last tick, trigger index, live count and the P/L aggregate.
import { PnlAggregate } from './pnl-aggregate.ts';
import type { TradeStore } from './trade-store.ts';
import { TriggerIndex } from './trigger-index.ts';

export class SymbolBook {
  readonly index: TriggerIndex;
  readonly pnl = new PnlAggregate();
  /** Open trades (system and user). */
  live = 0;
  lastPrice = 0;
  lastTs = -Infinity;
  hasPrice = false;
  /** Last computed unrealised P/L of the system trades, as counted in the book's total. */
  upl = 0;

  constructor(
    readonly name: string,
    readonly ordinal: number,
    store: TradeStore,
  ) {
    this.index = new TriggerIndex(store);
  }

  /** Price used for closes and valuation: the last tick, if any. */
  price(): number | undefined {
    return this.hasPrice ? this.lastPrice : undefined;
  }
}
