// Open system trades of unlisted bots (SPEC §11), id → price key: what the all-bots record's live
// figures (unrealised P/L, open positions) leave out. Rebuilt from the engine's open trades when
// the unlisted set changes, then kept by the engine's events: O(their open trades), not the book's.
import type { TradeJson } from '../../shared/protocol-types.ts';
import { tradePriceKey } from '../../shared/price-key.ts';
import { inScope, PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import type { EngineListener } from './engine-events.ts';
import type { ListedBots } from './listed-bots.ts';

export class UnlistedOpenTrades implements EngineListener {
  private readonly ids = new Map<number, string>();

  constructor(private readonly listed: ListedBots) {}

  /** From the open system trades as they are now. */
  reset(openSystemTrades: Iterable<TradeJson>): void {
    this.ids.clear();
    if (this.listed.everyone) return;
    for (const t of openSystemTrades) if (!this.listed.includes(t.bot)) this.ids.set(t.id, tradePriceKey(t));
  }

  opened(t: TradeJson, userId: number | null): void {
    if (inScope(PUBLIC_SCOPE, userId) && !this.listed.includes(t.bot)) this.ids.set(t.id, tradePriceKey(t));
  }

  closed(t: TradeJson): void {
    this.ids.delete(t.id);
  }

  get size(): number {
    return this.ids.size;
  }

  /** [trade id, price key] of each. */
  entries(): IterableIterator<[number, string]> {
    return this.ids.entries();
  }
}
