// What happens once a close is written: the trade leaves the open trades, and if this process's
// close is the one the database holds, the public summary and the engine's listeners hear of it.
// A close another process wrote first is not announced here (the winner announces it).
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { Logger } from '../logger.ts';
import { inScope, PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { closedTradeJson } from './close-writer.ts';
import type { EngineEvents } from './engine-events.ts';
import type { OpenTrades } from './open-trades.ts';
import type { CloseRecord, TradeStorePort } from './ports.ts';
import type { PublicState } from './public-state.ts';

export class CloseAnnouncer {
  constructor(
    private readonly open: OpenTrades,
    private readonly store: TradeStorePort,
    private readonly events: EngineEvents,
    private readonly publicState: PublicState,
    private readonly log: Logger,
  ) {}

  /** CloseWriter's callback: `persisted` false = the guarded close found it already closed. Returns what was announced. */
  announce(rec: CloseRecord, persisted: boolean): TradeJson | null {
    const o = this.open.remove(rec.id);
    if (!o) return null;
    if (!persisted) {
      // Another process closed it first: the database holds its close, not ours. Nothing to announce
      // here (the winner announces it), but our summary takes the database's close so it stays true.
      this.log.warn({ trade: rec.id }, 'trade was already closed elsewhere');
      if (inScope(PUBLIC_SCOPE, o.userId)) void this.foldForeignClose(rec.id);
      return null;
    }
    const closed = closedTradeJson(o.trade, rec);
    if (inScope(PUBLIC_SCOPE, o.userId)) {
      if (rec.status === 'CANCELLED') this.publicState.cancelled(closed);
      else this.publicState.closed(closed);
    }
    this.events.closed(closed, o.userId);
    return closed;
  }

  /**
   * A cancel nobody awaits (expiry, invalidated pending entry) rejects only when another process
   * wrote the trade's close first: `announce` has logged that, and the winner announces it.
   */
  closedElsewhere(id: number, err: unknown): void {
    this.log.debug({ err: String(err), trade: id }, 'pending cancel not ours to announce');
  }

  private async foldForeignClose(id: number): Promise<void> {
    const t = await this.store.getTrade(id).catch((err: unknown) => {
      // The summary misses this one close until the next restart rebuilds it from the database.
      this.log.warn({ err: String(err), trade: id }, 'foreign close not read; live summary left without it');
      return null;
    });
    if (!t) return;
    if (t.trade.status === 'CANCELLED') this.publicState.cancelled(t.trade);
    else if (t.trade.status.startsWith('CLOSED_')) this.publicState.closed(t.trade);
  }
}
