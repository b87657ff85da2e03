// Pure verification of a ledger: the hash chain, each trade's event order, every closed trade's
// P/L recomputed from its recorded events with the shared trade math, and (when given) the
// current signal and trade rows compared with what the ledger says they should be. Legs and
// signal updates (issue 19) are checked in leg-verifier.ts.
import { profitLossAt } from '../../shared/trade-math.ts';
import type { Direction } from '../../shared/constants.ts';
import type { LedgerLeg, LedgerSignal, LedgerTrade } from './ledger-inputs.ts';
import type { Json } from '../../shared/canonical-json.ts';
import { GENESIS_HASH, LEDGER_KINDS, ledgerHash, type LedgerRecord } from './ledger-chain.ts';
import { Inconsistent } from './inconsistent.ts';
import { checkLeg, checkLeggedClose, compareLegRows, compareLegTotals, type RecordedLeg } from './leg-verifier.ts';

export type VerifyResult =
  { ok: true; verified_through: number; head_hash: string; events: number; trades: number } | { ok: false; seq: number | null; reason: string };

type Obj = { [key: string]: Json };

interface TradeEvents {
  signal?: { seq: number; at: string; event: Obj };
  opened?: { seq: number; event: Obj };
  activated?: { seq: number; event: Obj };
  closed?: { seq: number; event: Obj };
  legs: RecordedLeg[];
  /** The terms in force: trade_opened's, then as signal updates and legs moved them. */
  takeProfit?: number;
  stopLoss?: number;
  updateIds: Set<string>;
}

/** Leg-related columns of a trade row (not part of LedgerTrade: rows written before issue 19 have none). */
export interface LegTotals {
  realizedProfitLoss: number;
  /** null: a row from before legs (the whole quantity while open). */
  remainingQuantity: number | null;
}

const n = (v: Json | undefined): number => (typeof v === 'number' ? v : NaN);
const same = (a: number, b: number): boolean => Math.abs(a - b) <= 5e-9;
const sameTime = (a: Json | undefined, b: Date | null): boolean => typeof a === 'string' && b !== null && Date.parse(a) === b.getTime();

export class LedgerVerifier {
  private prevHash = GENESIS_HASH;
  private lastSeq = 0;
  private count = 0;
  private failure: Inconsistent | null = null;
  private readonly trades = new Map<number, TradeEvents>();
  private readonly seenRows = new Set<number>();

  /** Feeds the next row (in seq order). False once an inconsistency has been found. */
  push(r: LedgerRecord): boolean {
    if (this.failure) return false;
    try {
      this.check(r);
      this.count++;
      return true;
    } catch (err) {
      this.failure = asInconsistent(err, r.seq);
      return false;
    }
  }

  /** Chain and per-trade result (no database rows consulted). */
  result(): VerifyResult {
    if (this.failure) return { ok: false, seq: this.failure.seq, reason: this.failure.message };
    return { ok: true, verified_through: this.lastSeq, head_hash: this.prevHash, events: this.count, trades: this.trades.size };
  }

  /**
   * Compares the current rows with the ledger: every system trade must have been recorded, with
   * the same terms and outcome, and every recorded trade and signal must still exist unchanged.
   */
  compareRows(trades: Iterable<LedgerTrade>, signals: ReadonlyMap<number, LedgerSignal>): VerifyResult {
    for (const t of trades) if (!this.compareRow(t)) return this.result();
    return this.finishRows(signals);
  }

  /** One system trade row (any order, each once); false once an inconsistency has been found. */
  compareRow(t: LedgerTrade): boolean {
    if (this.failure) return false;
    try {
      this.seenRows.add(t.id);
      compareTrade(t, this.trades.get(t.id));
      return true;
    } catch (err) {
      this.failure = asInconsistent(err, null);
      return false;
    }
  }

  /** A system trade's stored legs (by seq) and leg totals against its trade_leg events; false once inconsistent. */
  compareLegs(tradeId: number, rows: readonly LedgerLeg[], totals: LegTotals): boolean {
    if (this.failure) return false;
    try {
      const ev = this.trades.get(tradeId);
      const recorded = ev?.legs ?? [];
      compareLegRows(tradeId, recorded, rows);
      if (ev?.opened) compareLegTotals(tradeId, ev.opened.event, recorded, totals.realizedProfitLoss, totals.remainingQuantity);
      return true;
    } catch (err) {
      this.failure = asInconsistent(err, null);
      return false;
    }
  }

  /** Ids of the signals the ledger recorded (to be read for finishRows). */
  recordedSignalIds(): number[] {
    const ids: number[] = [];
    for (const ev of this.trades.values()) if (ev.signal) ids.push(n(ev.signal.event.signal_id));
    return ids.filter(Number.isSafeInteger);
  }

  /** After every system trade row: recorded trades that are gone, and the recorded signals. */
  finishRows(signals: ReadonlyMap<number, LedgerSignal>): VerifyResult {
    if (this.failure) return this.result();
    try {
      for (const [id, ev] of this.trades) {
        if (!this.seenRows.has(id)) throw new Inconsistent(ev.opened?.seq ?? null, `trade ${id} is in the ledger but not among the system trades`);
        if (ev.signal) compareSignal(ev.signal, signals.get(n(ev.signal.event.signal_id)));
      }
    } catch (err) {
      this.failure = asInconsistent(err, null);
    }
    return this.result();
  }

  private check(r: LedgerRecord): void {
    if (!(r.seq > this.lastSeq)) throw new Inconsistent(r.seq, `seq ${r.seq} does not follow ${this.lastSeq}`);
    if (r.prev_hash !== this.prevHash) throw new Inconsistent(r.seq, 'prev_hash does not match the previous row (row removed, inserted or reordered)');
    if (ledgerHash(r.prev_hash, r.kind, r.trade_id, r.event, r.at) !== r.hash) throw new Inconsistent(r.seq, 'hash does not match the row (row edited)');
    this.prevHash = r.hash;
    this.lastSeq = r.seq;
    if (!(LEDGER_KINDS as readonly string[]).includes(r.kind)) throw new Inconsistent(r.seq, `unknown kind ${r.kind}`);
    const ev = this.trades.get(r.trade_id) ?? { legs: [], updateIds: new Set<string>() };
    this.trades.set(r.trade_id, ev);
    const slot = { seq: r.seq, event: r.event };
    switch (r.kind) {
      case 'signal_received':
        if (ev.signal || ev.opened) throw new Inconsistent(r.seq, `trade ${r.trade_id}: second or late signal_received`);
        ev.signal = { ...slot, at: r.at };
        break;
      case 'trade_opened':
        if (ev.opened) throw new Inconsistent(r.seq, `trade ${r.trade_id} opened twice`);
        ev.opened = slot;
        break;
      case 'trade_activated':
        if (!ev.opened || ev.opened.event.status !== 'PENDING' || ev.activated || ev.closed) {
          throw new Inconsistent(r.seq, `trade ${r.trade_id}: activation out of order`);
        }
        ev.activated = slot;
        break;
      case 'trade_leg':
        if (!ev.opened || ev.closed || (ev.opened.event.status === 'PENDING' && !ev.activated)) {
          throw new Inconsistent(r.seq, `trade ${r.trade_id}: leg without an open trade`);
        }
        checkLeg(r.seq, ev.opened.event, ev.legs, r.event);
        ev.legs.push(slot);
        ev.stopLoss = n(r.event.stop_loss);
        break;
      case 'signal_updated':
        this.update(r, ev);
        break;
      default:
        if (!ev.opened || ev.closed) throw new Inconsistent(r.seq, `trade ${r.trade_id}: close without an open trade`);
        if (ev.legs.length > 0) checkLeggedClose(r.seq, ev.opened.event, ev.legs, r.event);
        else checkClose(r.seq, { ...ev.opened.event, take_profit: termOf(ev, 'take_profit'), stop_loss: termOf(ev, 'stop_loss') }, r.event);
        ev.closed = slot;
    }
  }

  private update(r: LedgerRecord, ev: TradeEvents): void {
    if (!ev.opened || ev.closed) throw new Inconsistent(r.seq, `trade ${r.trade_id}: update without an open trade`);
    const id = r.event.update_id;
    if (typeof id === 'string') {
      if (ev.updateIds.has(id)) throw new Inconsistent(r.seq, `trade ${r.trade_id}: update ${id} applied twice`);
      ev.updateIds.add(id);
    }
    const [tp, sl] = [n(r.event.take_profit), n(r.event.stop_loss)];
    if (!(tp > 0) || !(sl > 0)) throw new Inconsistent(r.seq, `trade ${r.trade_id}: update without take_profit and stop_loss`);
    ev.takeProfit = tp;
    ev.stopLoss = sl;
  }
}

/** take_profit / stop_loss now in force (trade_opened's until an update or a leg moved it). */
function termOf(ev: TradeEvents, key: 'take_profit' | 'stop_loss'): number {
  const moved = key === 'take_profit' ? ev.takeProfit : ev.stopLoss;
  return moved ?? n(ev.opened?.event[key]);
}

/** The recorded outcome must be what the shared trade math gives for the recorded terms. */
function checkClose(seq: number, open: Obj, close: Obj): void {
  const [fees, pl, pct, exit] = [n(close.fees), n(close.profit_loss), n(close.profit_loss_percentage), n(close.exit_price)];
  if (close.status === 'CANCELLED') {
    if (open.status !== 'PENDING' || fees !== 0 || pl !== 0 || pct !== 0) throw new Inconsistent(seq, 'cancelled trade with fees or P/L');
    return;
  }
  const direction = open.direction as Direction;
  const terms = { direction, entryPrice: n(open.entry_price), quantity: n(open.quantity), positionSize: n(open.position_size) };
  const want = profitLossAt(terms, exit, n(open.fee_rate));
  if (!same(want.fees, fees) || !same(want.profitLoss, pl) || !same(want.profitLossPercentage, pct)) {
    throw new Inconsistent(seq, `P/L ${pl} (fees ${fees}) differs from recomputed ${want.profitLoss} (fees ${want.fees})`);
  }
  const tp = n(open.take_profit);
  const sl = n(open.stop_loss);
  if (close.status === 'CLOSED_TP' && exit !== tp) throw new Inconsistent(seq, `TP exit ${exit} is not the take-profit ${tp}`);
  if (close.status === 'CLOSED_SL' && (direction === 'LONG' ? exit > sl : exit < sl)) {
    throw new Inconsistent(seq, `SL exit ${exit} is better than the stop ${sl}`);
  }
}

const TERMS: [keyof LedgerTrade, string][] = [
  ['symbol', 'symbol'],
  ['direction', 'direction'],
  ['marketType', 'market_type'],
  ['timeframe', 'timeframe'],
  ['confidence', 'confidence'],
  ['leverage', 'leverage'],
  ['entryPrice', 'entry_price'],
  ['positionSize', 'position_size'],
  ['quantity', 'quantity'],
  ['signalId', 'signal_id'],
];

function compareTrade(t: LedgerTrade, ev: TradeEvents | undefined): void {
  if (!ev?.opened) throw new Inconsistent(null, `system trade ${t.id} has no trade_opened in the ledger`);
  const o = ev.opened.event;
  for (const [field, key] of TERMS) {
    const a = t[field];
    const b = o[key];
    if (typeof a === 'number' ? !(typeof b === 'number' && same(a, b)) : a !== b) {
      throw new Inconsistent(ev.opened.seq, `trade ${t.id}: ${key} is ${String(a)}, the ledger says ${String(b)}`);
    }
  }
  for (const [field, key] of [
    ['takeProfit', 'take_profit'],
    ['stopLoss', 'stop_loss'],
  ] as const) {
    const want = termOf(ev, key);
    if (!same(t[field], want)) throw new Inconsistent(ev.opened.seq, `trade ${t.id}: ${key} is ${t[field]}, the ledger says ${want}`);
  }
  const entryTime = ev.activated ? ev.activated.event.entry_time : o.entry_time;
  if (!sameTime(entryTime, t.entryTime)) throw new Inconsistent((ev.activated ?? ev.opened).seq, `trade ${t.id}: entry_time differs from the ledger`);
  if (!ev.closed) {
    const status = ev.activated ? 'OPEN' : o.status;
    if (t.status !== status) throw new Inconsistent(ev.opened.seq, `trade ${t.id}: status ${t.status} but the ledger has it ${String(status)}`);
    return;
  }
  const c = ev.closed.event;
  const moneyOk =
    t.status === c.status &&
    sameTime(c.exit_time, t.exitTime) &&
    [
      [t.exitPrice, c.exit_price],
      [t.fees, c.fees],
      [t.profitLoss, c.profit_loss],
      [t.profitLossPercentage, c.profit_loss_percentage],
    ].every(([a, b]) => a !== null && typeof b === 'number' && same(a as number, b));
  if (!moneyOk) throw new Inconsistent(ev.closed.seq, `trade ${t.id}: close (status, exit, fees or P/L) differs from the ledger`);
}

const SIGNAL_FIELDS: [keyof LedgerSignal, string][] = [
  ['source', 'source'],
  ['symbol', 'symbol'],
  ['direction', 'direction'],
  ['timeframe', 'timeframe'],
  ['entry', 'entry'],
  ['tp', 'tp'],
  ['sl', 'sl'],
  ['confidence', 'confidence'],
  ['marketType', 'market_type'],
  ['leverage', 'leverage'],
];

function compareSignal(rec: NonNullable<TradeEvents['signal']>, s: LedgerSignal | undefined): void {
  const id = n(rec.event.signal_id);
  if (!s) throw new Inconsistent(rec.seq, `signal ${id} is in the ledger but not in signals`);
  const p = (rec.event.signal ?? {}) as Obj;
  for (const [field, key] of SIGNAL_FIELDS) {
    const a = s[field];
    const b = p[key];
    if (typeof a === 'number' ? !(typeof b === 'number' && same(a, b)) : a !== b) {
      throw new Inconsistent(rec.seq, `signal ${id}: ${key} is ${String(a)}, the ledger says ${String(b)}`);
    }
  }
  if ((s.externalId ?? null) !== (p.external_id ?? null)) throw new Inconsistent(rec.seq, `signal ${id}: external_id differs from the ledger`);
  const expires = p.expires_at ?? null;
  if (expires === null ? s.expiresAt !== null : !sameTime(expires, s.expiresAt)) throw new Inconsistent(rec.seq, `signal ${id}: expires_at differs`);
  if (!sameTime(rec.at, s.createdAt)) throw new Inconsistent(rec.seq, `signal ${id}: created_at differs from the ledger`);
}

function asInconsistent(err: unknown, seq: number | null): Inconsistent {
  if (err instanceof Inconsistent) return err;
  return new Inconsistent(seq, `unreadable row: ${err instanceof Error ? err.message : String(err)}`);
}
