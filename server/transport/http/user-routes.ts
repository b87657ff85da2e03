// The user trade API (SPEC §4): a user token on every route; own trades only (another user's trade
// is 404, never 403); lists paginated and filtered like the public list.
import type { TokenAuth } from '../../auth/token-auth.ts';
import { bearer } from '../../auth/token-auth.ts';
import { UnauthorizedError, ValidationError } from '../../errors.ts';
import { listQuerySchema, queryObject } from '../../queries/list-query.ts';
import { parseWith } from '../../../shared/validation.ts';
import type { ManualTradeService } from '../../users/manual-trade-service.ts';
import type { UserRequestLimit } from '../../users/user-request-limit.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import { jsonBodyFirst } from './signal-routes.ts';

const NEEDS_TOKEN = 'a valid user token is required (Authorization: Bearer …)';

/** The caller's user id, counted against their per-account budget (429 past it). */
async function userOf(auth: TokenAuth, limit: UserRequestLimit, ex: Exchange): Promise<number> {
  const identity = await auth.verify(bearer(ex.headers.authorization), 'user');
  if (!identity || identity.userId === null) throw new UnauthorizedError(NEEDS_TOKEN);
  limit.take(identity.userId);
  return identity.userId;
}

function pageUrl(ex: Exchange, page: number): string {
  const q = new URLSearchParams(ex.query);
  q.set('page', String(page));
  return ex.linkTo(`${ex.path}?${q.toString()}`); // PUBLIC_URL or relative: never the Host header
}

export function registerUserRoutes(router: HttpRouter, auth: TokenAuth, trades: ManualTradeService, limit: UserRequestLimit): void {
  const base = '/api/paper-trades';
  const privateJson = (ex: Exchange, status: number, value: unknown) => ex.header('cache-control', 'private, no-store').json(status, value);

  router.get(base, async (ex) => {
    const userId = await userOf(auth, limit, ex);
    const q = parseWith(listQuerySchema, queryObject(ex.query));
    if (!q.ok) throw new ValidationError(q.error);
    const { count, results } = await trades.list(userId, q.value);
    privateJson(ex, 200, {
      count,
      next: q.value.page * q.value.page_size < count ? pageUrl(ex, q.value.page + 1) : null,
      previous: q.value.page > 1 ? pageUrl(ex, q.value.page - 1) : null,
      results,
    });
  });

  router.post(base, async (ex) => {
    // uWS wants onData registered before any await; the token is checked before the body is used.
    const bodyPromise = jsonBodyFirst(ex);
    const userId = await userOf(auth, limit, ex);
    const body = await bodyPromise;
    if (body === null) return;
    privateJson(ex, 201, await trades.open(userId, body));
  });

  router.get(`${base}/:id`, async (ex) => {
    const userId = await userOf(auth, limit, ex);
    privateJson(ex, 200, await trades.get(userId, ex.params.id!));
  });

  router.post(`${base}/:id/close`, async (ex) => {
    const userId = await userOf(auth, limit, ex);
    privateJson(ex, 200, await trades.close(userId, ex.params.id!));
  });
}
