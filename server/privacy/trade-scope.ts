// The wall between the public record and users' private trades, and the only file that writes the
// SQL owner predicate and the trade status lists: every statement gets them from here.
import { CLOSED_STATUSES, type SignalStatus, type TradeStatus } from '../../shared/constants.ts';

export type TradeScope = { readonly kind: 'public' } | { readonly kind: 'user'; readonly userId: number };

export const PUBLIC_SCOPE: TradeScope = Object.freeze({ kind: 'public' });

export function userScope(userId: number): TradeScope {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`bad user id: ${userId}`);
  return Object.freeze({ kind: 'user', userId });
}

/**
 * The private bots' account (SPEC §11). A `private` bot's trades are owned by this reserved user
 * (made by Migration20261203000200BotVisibility), so they stand behind the same wall as users'
 * trades on every surface, in SQL and in memory, and never write to the public ledger. No scope or
 * token reaches it: `userScope` refuses ids below 1, and token:create refuses the account.
 */
export const PRIVATE_BOTS_ACCOUNT = -1;

/** In-memory form of the same rule, for the book's events and snapshots. */
export function inScope(scope: TradeScope, userId: number | null): boolean {
  return scope.kind === 'public' ? userId === null : userId === scope.userId;
}

/** `alias.column`, or the bare column (aliases are written by this module's callers, never by users). */
function column(name: string, alias: string | undefined): string {
  if (alias === undefined) return name;
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new RangeError(`bad table alias: ${alias}`);
  return `${alias}.${name}`;
}

/**
 * SQL condition for the scope (knex `?` placeholders), appending its bindings to `params`.
 * `alias` qualifies the column (`t` → `t.user_id`) in joins.
 */
export function scopeCondition(scope: TradeScope, params: unknown[], alias?: string): string {
  if (scope.kind === 'public') return `${column('user_id', alias)} IS NULL`;
  params.push(scope.userId);
  return `${column('user_id', alias)} = ?`;
}

/** The public record's condition: system trades only. Also a boolean column (`… as system`). */
export function systemTradeSql(alias?: string): string {
  return scopeCondition(PUBLIC_SCOPE, [], alias);
}

/**
 * The trade a signal opened: a system trade or a private bot's, never a user's own trade. For the
 * signal's own paths (resends, cancels, updates), not for any public read.
 */
export function signalTradeSql(alias?: string): string {
  const c = column('user_id', alias);
  return `(${c} IS NULL OR ${c} = ${PRIVATE_BOTS_ACCOUNT})`;
}

/** A private bot's trade (held by the private bots' account): for the operator's CLI, never public. */
export function privateBotTradeSql(alias?: string): string {
  return `${column('user_id', alias)} = ${PRIVATE_BOTS_ACCOUNT}`;
}

/** The owner of the trade a new signal opens, from a SQL expression holding its bot's visibility. */
export function signalTradeOwnerSql(visibility: string): string {
  return `(case when ${visibility} = 'private' then ${PRIVATE_BOTS_ACCOUNT} else null end)::bigint`;
}

/** Statuses of a trade still in the book (hydration, guarded closes, the expiry schedule). */
export const OPEN_STATUSES = ['OPEN', 'PENDING'] as const satisfies readonly TradeStatus[];

const statusIn = (statuses: readonly (TradeStatus | SignalStatus)[], alias: string | undefined): string =>
  `${column('status', alias)} in (${statuses.map((s) => `'${s}'`).join(', ')})`;

/** Still open (OPEN or PENDING). */
export function openStatusSql(alias?: string): string {
  return statusIn(OPEN_STATUSES, alias);
}

/**
 * Closed with an outcome (CLOSED_*, from shared/constants.ts): the statuses listed, not
 * `LIKE 'CLOSED_%'`, so the planner can use the status index (with many open trades and few closed
 * ones: 0.25 ms instead of a 190 ms scan at 1M).
 */
export function closedStatusSql(alias?: string): string {
  return statusIn(CLOSED_STATUSES, alias);
}

/** Signals a bot may still cancel: not yet CANCELLED or EXPIRED (kept here with the trades' lists). */
export const CANCELLABLE_SIGNAL_STATUSES = ['ACTIVE', 'EXECUTED'] as const satisfies readonly SignalStatus[];

export function cancellableSignalSql(alias?: string): string {
  return statusIn(CANCELLABLE_SIGNAL_STATUSES, alias);
}
