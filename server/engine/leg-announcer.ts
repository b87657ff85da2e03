// What happens once a managed trade's fills are written (leg-writer.ts): the legs join the trade's
// plan; a leg that closed the trade goes out as its close (close-announcer.ts, with the sums of its
// legs), any other as an `updated` trade. Fills the database refused (the trade closed elsewhere)
// take the trade out without an announcement: the process that closed it announces it.
import { tradeTotals } from '../../shared/leg-math.ts';
import type { ClosedStatus, LegKind } from '../../shared/constants.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { LegRecord } from '../../shared/trade-json.ts';
import { ConflictError } from '../errors.ts';
import type { CloseAnnouncer } from './close-announcer.ts';
import type { EngineEvents } from './engine-events.ts';
import type { LegOutcome } from './leg-writer.ts';
import type { OpenTrades } from './open-trades.ts';
import type { CloseRecord, LegWrite } from './ports.ts';

interface Waiter {
  resolve(t: TradeJson): void;
  reject(e: unknown): void;
}

/** SPEC §9: the last leg decides the status. */
export function statusOfLeg(kind: LegKind): ClosedStatus {
  if (kind === 'MANUAL') return 'CLOSED_MANUAL';
  if (kind === 'EXPIRED') return 'CLOSED_EXPIRED';
  return kind === 'SL' || kind === 'TRAILING' ? 'CLOSED_SL' : 'CLOSED_TP';
}

const legRecord = (l: LegWrite): LegRecord => ({
  kind: l.kind,
  price: l.price,
  quantity: l.quantity,
  time: l.time.getTime(),
  fees: l.fees,
  profitLoss: l.profitLoss,
});

export class LegAnnouncer {
  private readonly waiters = new Map<number, Waiter>();

  constructor(
    private readonly open: OpenTrades,
    private readonly events: EngineEvents,
    private readonly closes: CloseAnnouncer,
  ) {}

  /** Resolves with the closed trade once the fill that closes it is committed. */
  whenClosed(id: number): Promise<TradeJson> {
    return new Promise((resolve, reject) => this.waiters.set(id, { resolve, reject }));
  }

  settle(o: LegOutcome): void {
    const id = o.fills.id;
    const r = o.result;
    if (r !== null) this.open.managed.committed(id, [...r.duplicates, ...r.written].map(legRecord));
    if (r !== null && !r.closed && !o.fills.final) {
      const now = this.open.get(id);
      if (now) this.events.updated(now.trade, now.userId);
      return;
    }
    // The trade is closed: by this write (r.closed), or elsewhere (refused, or our last fill was
    // already stored by another writer, which closed it).
    // Our own final fills found already stored (a retry after a commit whose answer was lost): the
    // transaction that stored the last of them closed the trade, with these very legs: ours.
    const ownRetry = r !== null && o.fills.final && r.written.length === 0 && r.duplicates.length === o.fills.fills.length;
    const persisted = r !== null && (r.closed || ownRetry);
    const rec = persisted ? this.closeRecord(id, o.priceGap) : null;
    const closed = rec ? this.closes.announce(rec, true) : this.closes.announce(this.placeholder(o), false);
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    if (closed) w.resolve(closed);
    else w.reject(new ConflictError('the trade was closed elsewhere first'));
  }

  /** The close the database wrote with the last leg: status by its kind, money the sums of the legs. */
  private closeRecord(id: number, priceGap: boolean): CloseRecord | null {
    const t = this.open.get(id)?.trade;
    const last = t?.legs[t.legs.length - 1];
    if (!t || !last) return null;
    const totals = tradeTotals(
      t.legs.map((l) => ({ fees: l.fees, profitLoss: l.profit_loss })),
      t.position_size,
    );
    return { id, status: statusOfLeg(last.kind), exitPrice: last.price, exitTime: new Date(last.time), ...totals, priceGap };
  }

  /** For a close another process wrote: only the id matters (the announcer folds the stored close). */
  private placeholder(o: LegOutcome): CloseRecord {
    const f = o.fills.fills[o.fills.fills.length - 1]!;
    return {
      id: o.fills.id,
      status: statusOfLeg(f.kind),
      exitPrice: f.price,
      exitTime: new Date(f.time),
      fees: 0,
      profitLoss: 0,
      profitLossPercentage: 0,
      priceGap: o.priceGap,
    };
  }
}
