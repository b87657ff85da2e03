// POST /api/auth/register and /api/auth/login → {token} (SPEC §4); POST /api/auth/logout revokes the
// bearer token (open /me sockets using it are disconnected).
import type { AccountService } from '../../users/account-service.ts';
import { bearer, type TokenAuth } from '../../auth/token-auth.ts';
import { UnauthorizedError } from '../../errors.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import { jsonBody } from './signal-routes.ts';

/** The peer address uWS saw (no proxy headers are trusted: they are the client's to forge). */
export function clientIp(ex: Exchange): string {
  // Copied when the request arrived: `res` may not be touched once the client has gone.
  return ex.ip;
}

export interface Logout {
  auth: TokenAuth;
  /** Revokes the token; resolves once stored. */
  revoke(token: string): Promise<unknown>;
  /** Called after a revocation (the app disconnects the token's open sockets at once). */
  revoked(): void;
}

export function registerAuthRoutes(router: HttpRouter, accounts: AccountService, logout: Logout): void {
  router.post('/api/auth/logout', async (ex) => {
    const token = bearer(ex.headers.authorization);
    const identity = await logout.auth.verify(token, 'user');
    if (!identity || token === undefined) throw new UnauthorizedError('a valid user token is required (Authorization: Bearer …)');
    await logout.revoke(token);
    logout.revoked();
    ex.header('cache-control', 'no-store').json(200, { ok: true });
  });
  router.post('/api/auth/register', async (ex) => {
    const ip = clientIp(ex);
    const body = await jsonBody(ex);
    if (body === null) return;
    const s = await accounts.register(body, ip);
    ex.header('cache-control', 'no-store').json(201, s);
  });
  router.post('/api/auth/login', async (ex) => {
    const ip = clientIp(ex);
    const body = await jsonBody(ex);
    if (body === null) return;
    const s = await accounts.login(body, ip);
    ex.header('cache-control', 'no-store').json(200, s);
  });
}
