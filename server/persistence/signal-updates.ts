// Signal updates (SPEC §9): new terms for the unfilled part of a signal's system trade, stored with
// the request, idempotent by (signal, update_id), and recorded in the ledger in the same
// transaction. The book decides the terms (and refuses levels the price has passed); this writes them.
import { MAX_TARGETS, validateAllocation } from '../../shared/leg-math.ts';
import { ERROR_CODES, SL_MODES, type StopMode } from '../../shared/constants.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { signalUpdated } from '../ledger/ledger-events.ts';
import { toJson, type Json } from '../../shared/canonical-json.ts';
import type { LedgerAppend } from './ledger-append.ts';
import { parseTimestamp } from './rows.ts';
import type { BatchTx, RawRow } from './sql-runner.ts';
import { openStatusSql, signalTradeSql, systemTradeSql } from '../privacy/trade-scope.ts';

export interface TargetTerm {
  level: number;
  share: number;
}

/** The trade's terms after the update, complete (null: none). `takeProfit` is the last target. */
export interface SignalTerms {
  takeProfit: number;
  stopLoss: number;
  targets: TargetTerm[] | null;
  slMode: StopMode;
  trailingCallbackRate: number | null;
  trailingActivationPrice: number | null;
}

export interface SignalUpdateResult {
  signalId: number;
  tradeId: number;
  updateId: string | null;
  /** True when this update_id had been applied before: nothing was written, the first result is returned. */
  duplicate: boolean;
  terms: SignalTerms;
  at: Date;
}

const refuse = (message: string, field: string): ValidationError => new ValidationError({ code: ERROR_CODES.VALIDATION_ERROR, message, field });
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

function validateTerms(updateId: string | null, t: SignalTerms): void {
  if (updateId !== null && (typeof updateId !== 'string' || updateId.length === 0 || updateId.length > 128)) {
    throw refuse('update_id: 1 to 128 characters', 'update_id');
  }
  if (!positive(t.takeProfit)) throw refuse('tp must be a positive number', 'tp');
  if (!positive(t.stopLoss)) throw refuse('sl must be a positive number', 'sl');
  if (!(SL_MODES as readonly string[]).includes(t.slMode)) throw refuse(`sl_mode: one of ${SL_MODES.join(', ')}`, 'sl_mode');
  if (t.targets !== null) {
    if (!Array.isArray(t.targets) || t.targets.length < 1 || t.targets.length > MAX_TARGETS) throw refuse(`tp: 1 to ${MAX_TARGETS} targets`, 'tp');
    if (!t.targets.every((x) => positive(x.level))) throw refuse('tp: every level must be a positive number', 'tp');
    const shares = validateAllocation(
      t.targets.length,
      t.targets.map((x) => x.share),
    );
    if (!shares.ok) throw new ValidationError(shares.error);
    if (t.targets[t.targets.length - 1]!.level !== t.takeProfit) throw refuse('tp: take_profit must be the last target', 'tp');
  }
  if (t.trailingCallbackRate !== null && !(positive(t.trailingCallbackRate) && t.trailingCallbackRate >= 0.001 && t.trailingCallbackRate <= 0.2)) {
    throw refuse('trailing_stop.callback_rate: a number in [0.001, 0.2]', 'trailing_stop');
  }
  if (t.trailingActivationPrice !== null && !positive(t.trailingActivationPrice)) {
    throw refuse('trailing_stop.activation_price must be a positive number', 'trailing_stop');
  }
  if (t.trailingCallbackRate === null && t.trailingActivationPrice !== null)
    throw refuse('trailing_stop: activation_price without callback_rate', 'trailing_stop');
}

const termsJson = (t: SignalTerms): Json =>
  toJson({
    take_profit: t.takeProfit,
    stop_loss: t.stopLoss,
    targets: t.targets,
    sl_mode: t.slMode,
    trailing_callback_rate: t.trailingCallbackRate,
    trailing_activation_price: t.trailingActivationPrice,
  });

function termsFromJson(j: Record<string, unknown>): SignalTerms {
  return {
    takeProfit: Number(j.take_profit),
    stopLoss: Number(j.stop_loss),
    targets: (j.targets as TargetTerm[] | null) ?? null,
    slMode: j.sl_mode as StopMode,
    trailingCallbackRate: (j.trailing_callback_rate as number | null) ?? null,
    trailingActivationPrice: (j.trailing_activation_price as number | null) ?? null,
  };
}

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;

/**
 * Applies `terms` to the system trade of signal `signalId` inside the caller's transaction (one from
 * LedgerWriter.transaction). The trade row is locked first, so two deliveries of one update_id run
 * one after the other: the later finds the first's row and returns its result (duplicate: true),
 * even once the trade has closed. A new update of a trade that is no longer OPEN/PENDING is refused
 * with ConflictError. The signals row keeps the signal as received; the trade's first stop is kept
 * in initial_stop_loss.
 */
export async function recordSignalUpdate(
  tx: BatchTx,
  appendLedger: LedgerAppend,
  signalId: number,
  updateId: string | null,
  payload: unknown,
  terms: SignalTerms,
  now: Date,
): Promise<SignalUpdateResult> {
  validateTerms(updateId, terms);
  const trades = await tx.q(
    `select id, ${openStatusSql()} as open, ${systemTradeSql()} as system from paper_trades where signal_id = ? and ${signalTradeSql()} for update`,
    [signalId],
  );
  const trade = trades[0];
  if (!trade) throw new NotFoundError(`signal ${signalId} not found or without a system trade`);
  const tradeId = Number(trade.id);
  if (updateId !== null) {
    const [first] = await tx.q('select terms, created_at from signal_updates where signal_id = ? and update_id = ?', [signalId, updateId]);
    if (first) return { signalId, tradeId, updateId, duplicate: true, terms: termsFromJson(asObject(first.terms)), at: parseTimestamp(first.created_at) };
  }
  if (trade.open !== true) throw new ConflictError(`signal ${signalId}: its trade is closed, no update applies`, 'signal_id');

  const storedPayload = toJson(payload ?? null);
  const storedTerms = termsJson(terms);
  const [row] = (await tx.q(
    `insert into signal_updates (signal_id, trade_id, update_id, payload, terms, created_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?) returning created_at`,
    [signalId, tradeId, updateId, JSON.stringify(storedPayload), JSON.stringify(storedTerms), now],
  )) as [RawRow];
  await tx.q(
    `update paper_trades set initial_stop_loss = coalesce(initial_stop_loss, stop_loss), take_profit = ?, stop_loss = ?, targets = ?::jsonb,
       sl_mode = ?, trailing_callback_rate = ?, trailing_activation_price = ?, version = version + 1, updated_at = now()
     where id = ?`,
    [
      terms.takeProfit,
      terms.stopLoss,
      terms.targets === null ? null : JSON.stringify(terms.targets),
      terms.slMode,
      terms.trailingCallbackRate,
      terms.trailingActivationPrice,
      tradeId,
    ],
  );
  const at = parseTimestamp(row.created_at);
  // A private bot's trade (SPEC §11) writes nothing to the public ledger.
  if (trade.system === true) {
    await appendLedger([
      signalUpdated({ signalId, tradeId, updateId, payload: storedPayload, terms: storedTerms, takeProfit: terms.takeProfit, stopLoss: terms.stopLoss, at }),
    ]);
  }
  return { signalId, tradeId, updateId, duplicate: false, terms, at };
}

/** Whether `updateId` of signal `signalId` was applied (a resend's check, valid after the trade closed too). */
export async function hasSignalUpdate(
  q: (sql: string, bindings?: readonly unknown[]) => Promise<RawRow[]>,
  signalId: number,
  updateId: string,
): Promise<boolean> {
  const rows = await q('select 1 from signal_updates where signal_id = ? and update_id = ?', [signalId, updateId]);
  return rows.length > 0;
}
