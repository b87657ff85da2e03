// POST /api/signals: the bot's HTTP door, same validation, idempotency and ack as the socket event.
import type { TokenAuth, TokenIdentity } from '../../auth/token-auth.ts';
import { bearer } from '../../auth/token-auth.ts';
import { UnauthorizedError, ValidationError } from '../../errors.ts';
import { MAX_TEXT_SIGNAL_LENGTH } from '../../../shared/text-signal.ts';
import { textToSignalPayload } from '../../engine/text-intake.ts';
import type { BotPort } from '../socket/bot-namespace.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import { tradingViewSignal } from './tradingview-alert.ts';

/** The POST routes that take a new signal (JSON, text, TradingView): an edge or a standby answers each with where to go. */
export const SIGNAL_DOORS = ['/api/signals', '/api/signals/text', '/api/webhooks/tradingview/:token'] as const;

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

/**
 * Starts reading the JSON body now, for a handler that checks the token before it uses the body:
 * uWS wants onData registered before any await. The body's failure (bad JSON, 413) is thrown where
 * the handler awaits it; a request refused at the token check never awaits it, and its body error
 * is moot (the client already has its 401). Either way it is not an unhandled rejection.
 */
export function jsonBodyFirst(ex: Exchange): Promise<unknown | null> {
  const body = jsonBody(ex);
  body.catch(mootAfterRefusal);
  return body;
}

/** See jsonBodyFirst: awaited by the handler, or moot once the request was refused before the await. */
function mootAfterRefusal(_err: unknown): void {
  // reported by the handler's own await when it gets that far
}

/** A bot's JSON request: its body (read first: uWS wants onData registered before any await) and its identity; null = already answered. */
async function botJson(ex: Exchange, auth: TokenAuth): Promise<{ body: unknown; identity: TokenIdentity } | null> {
  const token = bearer(ex.headers.authorization);
  const bodyPromise = jsonBodyFirst(ex);
  const identity = await auth.verify(token, 'bot');
  const body = await bodyPromise;
  if (body === null) return null;
  if (!identity) throw new UnauthorizedError('a valid bot token is required (Authorization: Bearer …)');
  return { body, identity };
}

export function registerSignalRoutes(router: HttpRouter, auth: TokenAuth, bot: BotPort): void {
  router.post('/api/signals', async (ex) => {
    const req = await botJson(ex, auth);
    if (!req) return;
    const ack = await bot.ingestSignal(req.body, req.identity);
    ex.json(ack.ok && !ack.duplicate ? 201 : 200, ack);
  });

  // Signal updates (SPEC §9): by our id or by the bot's external id; the body as on /bot signal:update.
  const patch = (ref: (ex: Exchange) => Record<string, unknown>) => async (ex: Exchange) => {
    const req = await botJson(ex, auth);
    if (!req) return;
    const { body, identity } = req;
    if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'body must be a JSON object' });
    ex.json(200, await bot.updateSignal({ ...body, ...ref(ex) }, identity));
  };
  router.on(
    'PATCH',
    '/api/signals/by-external-id/:external_id',
    patch((ex) => ({ external_id: ex.params.external_id })),
  );
  router.on(
    'PATCH',
    '/api/signals/:id',
    patch((ex) => {
      const id = Number(ex.params.id);
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'signal id must be a positive integer', field: 'signal_id' });
      return { signal_id: id };
    }),
  );

  // TradingView alerts (SPEC §14): the token in the path (TradingView sets no headers), the body a
  // signal payload whatever its content type; then the same intake, idempotency and ack.
  router.post('/api/webhooks/tradingview/:token', async (ex) => {
    const bodyPromise = ex.readBody();
    bodyPromise.catch(mootAfterRefusal);
    const identity = await auth.verify(ex.params.token, 'bot');
    const body = await bodyPromise;
    if (body === null) return;
    if (!identity) throw new UnauthorizedError('the path must end in a valid bot token: /api/webhooks/tradingview/TOKEN');
    const ack = await bot.ingestSignal(tradingViewSignal(body), identity);
    ex.json(ack.ok && !ack.duplicate ? 201 : 200, ack);
  });

  // Text signals: body text/plain (UTF-8); idempotency key in `?external_id=` or `X-External-Id`
  // (the query wins when both are given); then the same intake as a JSON signal.
  router.post('/api/signals/text', async (ex) => {
    const token = bearer(ex.headers.authorization);
    const bodyPromise = ex.readBody();
    bodyPromise.catch(mootAfterRefusal);
    const identity = await auth.verify(token, 'bot');
    const body = await bodyPromise;
    if (body === null) return;
    if (!identity) throw new UnauthorizedError('a valid bot token is required (Authorization: Bearer …)');
    const type = (ex.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/plain') {
      return ex.error(415, { code: 'VALIDATION_ERROR', message: 'body must be text/plain (the channel message as written)', field: 'content-type' });
    }
    const text = body.toString('utf8');
    if (text.length > MAX_TEXT_SIGNAL_LENGTH) {
      return ex.error(413, { code: 'PAYLOAD_TOO_LARGE', message: `text longer than ${MAX_TEXT_SIGNAL_LENGTH} characters` });
    }
    const externalId = ex.query.get('external_id') ?? ex.headers['x-external-id'];
    const ack = await bot.ingestSignal(textToSignalPayload(text, externalId), identity);
    ex.json(ack.ok && !ack.duplicate ? 201 : 200, ack);
  });
}
