// POST /api/signals: the bot's HTTP door, same validation, idempotency and ack as the socket event.
import type { TokenAuth } from '../../auth/token-auth.ts';
import { bearer } from '../../auth/token-auth.ts';
import { UnauthorizedError, ValidationError } from '../../errors.ts';
import type { BotPort } from '../socket/bot-namespace.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';

/** Parses a JSON body; a syntax error is a VALIDATION_ERROR, not a 500. Null = already answered (413). */
export async function jsonBody(ex: Exchange): Promise<unknown | null> {
  const body = await ex.readBody();
  if (body === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'body is not valid JSON' });
  }
  // A literal `null` body would read as "already answered" to callers and leave the request hanging.
  if (value === null) throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'body must be a JSON object' });
  return value;
}

export function registerSignalRoutes(router: HttpRouter, auth: TokenAuth, bot: BotPort): void {
  router.post('/api/signals', async (ex) => {
    const token = bearer(ex.headers.authorization);
    // Read the body first: uWS wants onData registered before any await.
    const bodyPromise = jsonBody(ex);
    bodyPromise.catch(() => {}); // handled below, after the token check; never an unhandled rejection
    const identity = await auth.verify(token, 'bot');
    const body = await bodyPromise;
    if (body === null) return;
    if (!identity) throw new UnauthorizedError('a valid bot token is required (Authorization: Bearer …)');
    const ack = await bot.ingestSignal(body, identity);
    ex.json(ack.ok && !ack.duplicate ? 201 : 200, ack);
  });
}
