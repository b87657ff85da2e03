// The wall between the public record and users' private trades. Every trade query takes a
// TradeScope and gets its WHERE clause from here: there is no unscoped trade query to forget.
export type TradeScope = { readonly kind: 'public' } | { readonly kind: 'user'; readonly userId: number };

export const PUBLIC_SCOPE: TradeScope = Object.freeze({ kind: 'public' });

export function userScope(userId: number): TradeScope {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`bad user id: ${userId}`);
  return Object.freeze({ kind: 'user', userId });
}

/** SQL condition for the scope (knex `?` placeholders), appending its bindings to `params`. */
export function scopeCondition(scope: TradeScope, params: unknown[]): string {
  if (scope.kind === 'public') return 'user_id IS NULL';
  params.push(scope.userId);
  return 'user_id = ?';
}

/** In-memory form of the same rule, for the book's events and snapshots. */
export function inScope(scope: TradeScope, userId: number | null): boolean {
  return scope.kind === 'public' ? userId === null : userId === scope.userId;
}
