// The cold per-symbol state: trigger index, open-trade count and the system trades' P/L sums.
// Per-tick (hot) fields live in symbol-table.ts.
import { PnlAggregate } from './pnl-aggregate.ts';
import type { TradeStore } from './trade-store.ts';
import { TriggerIndex } from './trigger-index.ts';

export class SymbolBook {
  readonly index: TriggerIndex;
  readonly pnl = new PnlAggregate();
  /** Open trades (system and user). */
  live = 0;

  constructor(
    readonly name: string,
    readonly ordinal: number,
    store: TradeStore,
  ) {
    this.index = new TriggerIndex(store);
  }
}
