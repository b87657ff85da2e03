// Trade ids come from two disjoint ranges so that public ids never count or date users' trades:
// system trades draw from the table's identity sequence (1 … 2^52 − 1), manual trades from their own
// sequence (2^52 … 2^53 − 1). Every id stays a safe integer (the book keeps ids as Float64).
// See docs/security.md, "Non-interference".

/** The first id of the user range; the system range ends just below it. */
export const USER_TRADE_ID_MIN = 2n ** 52n;
/** The largest id either range may use: Number.MAX_SAFE_INTEGER. */
export const USER_TRADE_ID_MAX = 2n ** 53n - 1n;
export const SYSTEM_TRADE_ID_MAX = USER_TRADE_ID_MIN - 1n;

/** The sequence manual trades draw from (created by Migration20261201000000UserTradeIds). */
export const USER_TRADE_ID_SEQUENCE = 'user_trade_id_seq';

export const isUserRangeId = (id: bigint | number): boolean => BigInt(id) >= USER_TRADE_ID_MIN;
