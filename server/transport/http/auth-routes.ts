// POST /api/auth/register and /api/auth/login → {token} (SPEC §4).
import type { AccountService } from '../../users/account-service.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import { jsonBody } from './signal-routes.ts';

/** The peer address uWS saw (no proxy headers are trusted: they are the client's to forge). */
export function clientIp(ex: Exchange): string {
  return Buffer.from(ex.res.getRemoteAddressAsText()).toString('utf8');
}

export function registerAuthRoutes(router: HttpRouter, accounts: AccountService): void {
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
