// Checks of the multi-leg events (SPEC §9): every trade_leg's fees and P/L recomputed from the
// trade's recorded terms with shared/leg-math.ts, the running remainder and realized P/L, the close
// of a legged trade as the sum of its legs, and the stored leg rows against the ledger.
import { legMoney, sumMoney, tradeTotals } from '../../shared/leg-math.ts';
import type { Direction } from '../../shared/constants.ts';
import type { Json } from '../../shared/canonical-json.ts';
import { Inconsistent } from './inconsistent.ts';
import type { LedgerLeg } from './ledger-inputs.ts';

type Obj = { [key: string]: Json };

export interface RecordedLeg {
  seq: number;
  event: Obj;
}

const n = (v: Json | undefined): number => (typeof v === 'number' ? v : NaN);
const same = (a: number, b: number): boolean => Math.abs(a - b) <= 5e-9;

/** A leg event against the trade_opened terms and the legs before it. */
export function checkLeg(seq: number, open: Obj, before: readonly RecordedLeg[], leg: Obj): void {
  if (n(leg.seq) !== before.length + 1) throw new Inconsistent(seq, `leg ${String(leg.seq)} out of order (expected ${before.length + 1})`);
  if (before.some((l) => l.event.leg === leg.leg)) throw new Inconsistent(seq, `leg ${String(leg.leg)} recorded twice`);
  const [price, quantity, fees, pl] = [n(leg.price), n(leg.quantity), n(leg.fees), n(leg.profit_loss)];
  if (!(price > 0) || !(quantity >= 0)) throw new Inconsistent(seq, `leg ${String(leg.leg)}: price ${price}, quantity ${quantity}`);
  const want = legMoney({ direction: open.direction as Direction, entryPrice: n(open.entry_price) }, quantity, price, n(open.fee_rate));
  if (!same(want.fees, fees) || !same(want.profitLoss, pl)) {
    throw new Inconsistent(seq, `leg ${String(leg.leg)}: P/L ${pl} (fees ${fees}) differs from recomputed ${want.profitLoss} (fees ${want.fees})`);
  }
  const all = [...before.map((l) => l.event), leg];
  const filled = sumMoney(all.map((l) => n(l.quantity)));
  const remaining = sumMoney([n(open.quantity), -filled]);
  if (remaining < 0) throw new Inconsistent(seq, `legs fill ${filled}, more than the quantity ${n(open.quantity)}`);
  if (!same(remaining, n(leg.remaining_quantity))) throw new Inconsistent(seq, `remaining_quantity ${String(leg.remaining_quantity)}, legs leave ${remaining}`);
  const realized = sumMoney(all.map((l) => n(l.profit_loss)));
  if (!same(realized, n(leg.realized_profit_loss)))
    throw new Inconsistent(seq, `realized_profit_loss ${String(leg.realized_profit_loss)}, legs sum to ${realized}`);
}

const STATUS_OF: Record<string, string> = { SL: 'CLOSED_SL', TRAILING: 'CLOSED_SL', MANUAL: 'CLOSED_MANUAL', EXPIRED: 'CLOSED_EXPIRED' };

/** The status the last leg decides (SPEC §9). */
export function statusAfter(kind: string): string {
  return STATUS_OF[kind] ?? 'CLOSED_TP';
}

/** A legged trade's close: the whole quantity filled, money the sum of the legs, exit the last leg. */
export function checkLeggedClose(seq: number, open: Obj, legs: readonly RecordedLeg[], close: Obj): void {
  const events = legs.map((l) => l.event);
  const last = events[events.length - 1]!;
  if (!same(sumMoney(events.map((l) => n(l.quantity))), n(open.quantity))) throw new Inconsistent(seq, 'closed with part of the quantity unfilled');
  const want = tradeTotals(
    events.map((l) => ({ fees: n(l.fees), profitLoss: n(l.profit_loss) })),
    n(open.position_size),
  );
  const [fees, pl, pct] = [n(close.fees), n(close.profit_loss), n(close.profit_loss_percentage)];
  if (!same(want.fees, fees) || !same(want.profitLoss, pl) || !same(want.profitLossPercentage, pct)) {
    throw new Inconsistent(seq, `P/L ${pl} (fees ${fees}) differs from the sum of the legs ${want.profitLoss} (fees ${want.fees})`);
  }
  if (n(close.exit_price) !== n(last.price) || close.exit_time !== last.time) throw new Inconsistent(seq, 'exit differs from the last leg');
  if (close.status !== statusAfter(String(last.leg))) throw new Inconsistent(seq, `status ${String(close.status)} after a ${String(last.leg)} leg`);
}

/** The stored legs of a trade (by seq) against its trade_leg events. */
export function compareLegRows(tradeId: number, recorded: readonly RecordedLeg[], rows: readonly LedgerLeg[]): void {
  if (rows.length !== recorded.length) {
    throw new Inconsistent(recorded[0]?.seq ?? null, `trade ${tradeId}: ${rows.length} stored legs, the ledger has ${recorded.length}`);
  }
  rows.forEach((r, i) => {
    const { seq, event: e } = recorded[i]!;
    const ok =
      r.seq === n(e.seq) &&
      r.kind === e.leg &&
      same(r.price, n(e.price)) &&
      same(r.quantity, n(e.quantity)) &&
      same(r.fees, n(e.fees)) &&
      same(r.profitLoss, n(e.profit_loss)) &&
      typeof e.time === 'string' &&
      Date.parse(e.time) === r.time.getTime();
    if (!ok) throw new Inconsistent(seq, `trade ${tradeId}: leg ${r.seq} (${r.kind}) differs from the ledger`);
  });
}

/** realized_profit_loss / remaining_quantity of the trade row against its legs in the ledger. */
export function compareLegTotals(tradeId: number, open: Obj, recorded: readonly RecordedLeg[], realized: number, remaining: number | null): void {
  const events = recorded.map((l) => l.event);
  const wantRealized = sumMoney(events.map((l) => n(l.profit_loss)));
  if (!same(realized, wantRealized))
    throw new Inconsistent(null, `trade ${tradeId}: realized_profit_loss ${realized}, the ledger's legs sum to ${wantRealized}`);
  if (remaining === null) return;
  const wantRemaining = sumMoney([n(open.quantity), -sumMoney(events.map((l) => n(l.quantity)))]);
  if (!same(remaining, wantRemaining)) throw new Inconsistent(null, `trade ${tradeId}: remaining_quantity ${remaining}, the ledger leaves ${wantRemaining}`);
}
