// Legs of a trade (SPEC §9): each fill stored once per (trade, kind) together with the trade's moved
// stop, remainder and realized P/L, in one transaction; the leg that fills the rest closes the trade
// through the guarded close (batch-writes.ts closeBatch) with the sums of its legs. System trades'
// legs and closes go to the ledger in the same transaction.
import { legMoney, sumMoney, tradeTotals } from '../../shared/leg-math.ts';
import { ERROR_CODES, type Direction } from '../../shared/constants.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { LEG_KINDS, type LedgerLeg, type LegKind } from '../ledger/ledger-inputs.ts';
import { tradeLeg } from '../ledger/ledger-events.ts';
import { statusAfter } from '../ledger/leg-verifier.ts';
import type { LedgerEventDraft } from '../ledger/ledger-chain.ts';
import { closeBatch } from './batch-writes.ts';
import type { LedgerAppend, LedgerWriter } from './ledger-append.ts';
import { recordSignalUpdate, type SignalTerms, type SignalUpdateResult } from './signal-updates.ts';
import { parseTimestamp } from './rows.ts';
import { sqlLiteral, type BatchTx, type Query, type RawRow } from './sql-runner.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';
import type { TradeRow } from './rows.ts';
import { rowNeedsLegs } from './trade-mapper.ts';

export { LEG_KINDS, type LegKind };

/** A stored leg (seq: its place among the trade's legs, from 1). */
export type LegRow = LedgerLeg;

/** A fill as the book hands it in (its money from shared/leg-math.ts legMoney). */
export type LegInput = Omit<LedgerLeg, 'tradeId' | 'seq'>;

/** The trade after these legs as the book has it. remaining/realized, when given, must match the stored legs. */
export interface LegTradeState {
  /** The managed stop now in force (fixed, moved or updated; not the trailing stop). */
  stopLoss: number;
  /** Best price since the trailing stop's activation (null/absent: unchanged). */
  trailingBestPrice?: number | null;
  remainingQuantity?: number;
  realizedProfitLoss?: number;
  /** The closing leg's stop was gapped through (recorded on the close, as for a single close). */
  priceGap?: boolean;
}

export interface AppendLegsResult {
  /** Legs this call stored, in seq order. */
  written: LegRow[];
  /** Legs of the call that were already stored (another process, a retry): the stored ones, untouched. */
  duplicates: LegRow[];
  /** True when this call's last leg closed the trade. */
  closed: boolean;
  remainingQuantity: number;
  realizedProfitLoss: number;
}

const LEG_COLUMNS = 'trade_id, seq, kind, price, quantity, fees, profit_loss, time';

const refuse = (message: string, field = 'legs'): ValidationError => new ValidationError({ code: ERROR_CODES.VALIDATION_ERROR, message, field });
const sameMoney = (a: number, b: number): boolean => Math.abs(a - b) <= 5e-9;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function legRowFromDb(r: RawRow): LegRow {
  return {
    tradeId: Number(r.trade_id),
    seq: Number(r.seq),
    kind: r.kind as LegKind,
    price: Number(r.price),
    quantity: Number(r.quantity),
    time: parseTimestamp(r.time),
    fees: Number(r.fees),
    profitLoss: Number(r.profit_loss),
  };
}

function validateInput(legs: readonly LegInput[], state: LegTradeState): void {
  if (legs.length === 0) throw refuse('legs: at least one leg');
  const kinds = new Set<string>();
  legs.forEach((l, i) => {
    const at = `legs[${i}]`;
    if (!(LEG_KINDS as readonly string[]).includes(l.kind)) throw refuse(`${at}.kind: one of ${LEG_KINDS.join(', ')}`);
    if (kinds.has(l.kind)) throw refuse(`${at}.kind: ${l.kind} given twice`);
    kinds.add(l.kind);
    if (!finite(l.price) || !(l.price > 0)) throw refuse(`${at}.price must be a positive number`);
    if (!finite(l.quantity) || l.quantity < 0) throw refuse(`${at}.quantity must be a number ≥ 0`);
    if (!(l.time instanceof Date) || Number.isNaN(l.time.getTime())) throw refuse(`${at}.time must be a valid date`);
    if (!finite(l.fees) || !finite(l.profitLoss)) throw refuse(`${at}: fees and profit_loss must be finite`);
  });
  if (!finite(state.stopLoss) || !(state.stopLoss > 0)) throw refuse('stop_loss must be a positive number', 'stop_loss');
  if (state.trailingBestPrice != null && !(finite(state.trailingBestPrice) && state.trailingBestPrice > 0)) {
    throw refuse('trailing_best_price must be a positive number', 'trailing_best_price');
  }
}

interface LockedTrade {
  status: string;
  direction: Direction;
  entryPrice: number;
  quantity: number;
  positionSize: number;
  system: boolean;
}

async function lockTrade(q: Query, tradeId: number): Promise<LockedTrade> {
  const rows = await q(
    `select status, direction, entry_price, quantity, position_size, ${systemTradeSql()} as system from paper_trades where id = ? for update`,
    [tradeId],
  );
  const r = rows[0];
  if (!r) throw new NotFoundError(`trade ${tradeId} not found`);
  return {
    status: String(r.status),
    direction: r.direction as Direction,
    entryPrice: Number(r.entry_price),
    quantity: Number(r.quantity),
    positionSize: Number(r.position_size),
    system: r.system === true,
  };
}

/**
 * Stores `legs` of trade `tradeId` exactly once each, inside the caller's transaction `tx` (one
 * from LedgerWriter.transaction, whose `appendLedger` it uses once). The trade row is locked first,
 * so concurrent writers of the same trade (another process, a retry after a restart) run one after
 * the other and the later one finds the legs stored: it writes nothing for them and reports them as
 * duplicates. New legs on a trade that is no longer OPEN are refused with ConflictError; legs whose
 * money is not legMoney's, or that fill more than the quantity, with ValidationError.
 */
export async function appendLegs(
  tx: BatchTx,
  appendLedger: LedgerAppend,
  tradeId: number,
  legs: readonly LegInput[],
  state: LegTradeState,
  feeRate: number,
): Promise<AppendLegsResult> {
  validateInput(legs, state);
  const trade = await lockTrade(tx.q, tradeId);
  const stored = (await tx.q(`select ${LEG_COLUMNS} from paper_trade_legs where trade_id = ? order by seq`, [tradeId])).map(legRowFromDb);
  const storedKinds = new Map(stored.map((l) => [l.kind, l]));
  const duplicates = legs.flatMap((l) => storedKinds.get(l.kind) ?? []);
  const fresh = legs.filter((l) => !storedKinds.has(l.kind));
  const totalsOf = (all: readonly LegRow[]) => ({
    remainingQuantity: sumMoney([trade.quantity, -sumMoney(all.map((l) => l.quantity))]),
    realizedProfitLoss: sumMoney(all.map((l) => l.profitLoss)),
  });
  if (fresh.length === 0) return { written: [], duplicates, closed: false, ...totalsOf(stored) };
  if (trade.status !== 'OPEN') throw new ConflictError(`trade ${tradeId} is ${trade.status}: no further legs`, 'legs');

  const terms = { direction: trade.direction, entryPrice: trade.entryPrice };
  const written: LegRow[] = fresh.map((l, i) => {
    const want = legMoney(terms, l.quantity, l.price, feeRate);
    if (!sameMoney(want.fees, l.fees) || !sameMoney(want.profitLoss, l.profitLoss)) {
      throw refuse(`legs: ${l.kind} has fees ${l.fees} and profit_loss ${l.profitLoss}, the terms give ${want.fees} and ${want.profitLoss}`);
    }
    return { tradeId, seq: stored.length + i + 1, kind: l.kind, price: l.price, quantity: l.quantity, time: l.time, ...want };
  });
  const all = [...stored, ...written];
  const after = totalsOf(all);
  if (after.remainingQuantity < 0) throw refuse(`legs: they fill ${sumMoney(all.map((l) => l.quantity))}, more than the quantity ${trade.quantity}`);
  if (state.remainingQuantity !== undefined && !sameMoney(state.remainingQuantity, after.remainingQuantity)) {
    throw refuse(`remaining_quantity ${state.remainingQuantity} differs from what the legs leave (${after.remainingQuantity})`, 'remaining_quantity');
  }
  if (state.realizedProfitLoss !== undefined && !sameMoney(state.realizedProfitLoss, after.realizedProfitLoss)) {
    throw refuse(`realized_profit_loss ${state.realizedProfitLoss} differs from the legs' sum (${after.realizedProfitLoss})`, 'realized_profit_loss');
  }

  await tx.q(
    `insert into paper_trade_legs (${LEG_COLUMNS})
     select x.trade_id, x.seq, x.kind, x.price, x.quantity, x.fees, x.profit_loss, x.time
     from json_to_recordset(${sqlLiteral(JSON.stringify(written.map((l) => ({ ...l, trade_id: l.tradeId, profit_loss: l.profitLoss }))))}::json)
       as x(trade_id bigint, seq smallint, kind text, price numeric, quantity numeric, fees numeric, profit_loss numeric, time timestamptz)
     order by x.seq`,
  );
  const last = written[written.length - 1]!;
  await tx.q(
    `update paper_trades set stop_loss = ?, trailing_best_price = coalesce(?::numeric, trailing_best_price), remaining_quantity = ?,
       realized_profit_loss = ?, exit_reason = ?, version = version + 1, updated_at = now()
     where id = ?`,
    [state.stopLoss, state.trailingBestPrice ?? null, after.remainingQuantity, after.realizedProfitLoss, last.kind, tradeId],
  );

  const drafts: LedgerEventDraft[] = [];
  if (trade.system) {
    written.forEach((l) => {
      const upTo = totalsOf(all.slice(0, l.seq));
      drafts.push(tradeLeg(l, { stopLoss: state.stopLoss, ...upTo }));
    });
  }
  const closed = after.remainingQuantity === 0;
  if (closed) {
    const totals = tradeTotals(all, trade.positionSize);
    const close = {
      id: tradeId,
      status: statusAfter(last.kind) as 'CLOSED_TP' | 'CLOSED_SL' | 'CLOSED_MANUAL' | 'CLOSED_EXPIRED',
      exitPrice: last.price,
      exitTime: last.time,
      fees: totals.fees,
      profitLoss: totals.profitLoss,
      profitLossPercentage: totals.profitLossPercentage,
      priceGap: state.priceGap ?? false,
    };
    // The existing guarded close, its ledger event collected so that this transaction appends once.
    const [ok] = await closeBatch(tx.q, [close], async (d) => void drafts.push(...d));
    if (!ok) throw new Error(`trade ${tradeId} locked OPEN yet not closed by the guarded close`);
  }
  await appendLedger(drafts);
  return { written, duplicates, closed, ...after };
}

/** Every stored leg of these trades, by trade id, each trade's in seq order (absent: no legs). */
export async function legsOf(db: { query: Query }, tradeIds: readonly number[]): Promise<Map<number, LegRow[]>> {
  const out = new Map<number, LegRow[]>();
  if (tradeIds.length === 0) return out;
  // One placeholder per id: every runner binds scalars the same way (an array parameter is expanded by knex).
  const rows = await db.query(`select ${LEG_COLUMNS} from paper_trade_legs where trade_id in (${tradeIds.map(() => '?').join(', ')}) order by trade_id, seq`, [
    ...tradeIds,
  ]);
  for (const r of rows) {
    const leg = legRowFromDb(r);
    const list = out.get(leg.tradeId);
    if (list) list.push(leg);
    else out.set(leg.tradeId, [leg]);
  }
  return out;
}

/** Reads the legs of the rows that need them for their JSON (managed trades with a fill: rowNeedsLegs), in place. */
export async function attachLegs<R extends TradeRow>(db: { query: Query }, rows: R[]): Promise<R[]> {
  const ids = rows.filter(rowNeedsLegs).map((r) => r.id);
  if (ids.length === 0) return rows;
  const legs = await legsOf(db, ids);
  for (const r of rows) if (rowNeedsLegs(r)) r.legs = legs.get(r.id) ?? [];
  return rows;
}

/**
 * The leg and update writes in their own transactions on a LedgerWriter (retried as a whole on a
 * ledger conflict or deadlock). A process should use the LedgerWriter its trade store appends with,
 * so that one chain head is cached per process; a second writer is correct too, only slower (it
 * behaves as another process would).
 */
export class TradeLegWriter {
  constructor(
    private readonly ledger: LedgerWriter,
    private readonly db: { query: Query },
    private readonly feeRate: number,
  ) {}

  appendLegs(tradeId: number, legs: readonly LegInput[], state: LegTradeState): Promise<AppendLegsResult> {
    return this.ledger.transaction((tx, append) => appendLegs(tx, append, tradeId, legs, state, this.feeRate));
  }

  recordSignalUpdate(signalId: number, updateId: string | null, payload: unknown, terms: SignalTerms, now = new Date()): Promise<SignalUpdateResult> {
    return this.ledger.transaction((tx, append) => recordSignalUpdate(tx, append, signalId, updateId, payload, terms, now));
  }

  legsOf(tradeIds: readonly number[]): Promise<Map<number, LegRow[]>> {
    return legsOf(this.db, tradeIds);
  }
}
