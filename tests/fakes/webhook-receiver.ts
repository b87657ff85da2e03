// A user's webhook receiver, for the webhook channel's tests: it checks X-Paperbook-Signature with its
// own HMAC code (node:crypto, deliberately not the channel's helper, so a bug there cannot hide
// itself), records every delivery, and can fail for a while before it answers 200.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { type FakeServer, sendJson, sleep, startFakeServer } from './fake-http.ts';

export interface ReceivedDelivery {
  body: string;
  headers: http.IncomingHttpHeaders;
  idempotencyKey: string | undefined;
  signatureValid: boolean;
  /** What the receiver answered. */
  status: number;
}

export interface ReceiverFailure {
  status: number;
  /** Sent as Retry-After when given. */
  retryAfter?: string;
  /** Hold the answer this long (to make the sender time out). */
  delayMs?: number;
}

export interface WebhookReceiver extends FakeServer {
  url: string;
  deliveries: ReceivedDelivery[];
  /** The first `count` deliveries from now get `failure` (500 by default). */
  failFirst(count: number, failure?: ReceiverFailure): void;
  /** Every delivery for the next `ms` gets `failure` (500 by default). */
  failFor(ms: number, failure?: ReceiverFailure): void;
}

function signatureOk(secret: string, body: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || !m[1]) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

export async function startWebhookReceiver(secret: string, path = '/hooks/paperbook'): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const queued: ReceiverFailure[] = [];
  let windowUntil = 0;
  let windowFailure: ReceiverFailure = { status: 500 };

  const server = await startFakeServer(async (req, body, res) => {
    if (req.method !== 'POST' || req.url !== path) return sendJson(res, 404, { error: 'not found' });
    const valid = signatureOk(secret, body, req.headers['x-paperbook-signature'] as string | undefined);
    const failure = queued.shift() ?? (Date.now() < windowUntil ? windowFailure : undefined);
    const status = !valid ? 401 : (failure?.status ?? 200);
    const key = req.headers['idempotency-key'];
    deliveries.push({
      body: body.toString('utf8'),
      headers: req.headers,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      signatureValid: valid,
      status,
    });
    if (failure?.delayMs) await sleep(failure.delayMs);
    sendJson(res, status, valid ? { received: status === 200 } : { error: 'bad signature' }, failure?.retryAfter ? { 'retry-after': failure.retryAfter } : {});
  });

  return {
    ...server,
    url: `${server.origin}${path}`,
    deliveries,
    failFirst(count, failure = { status: 500 }) {
      for (let k = 0; k < count; k++) queued.push(failure);
    },
    failFor(ms, failure = { status: 500 }) {
      windowUntil = Date.now() + ms;
      windowFailure = failure;
    },
  };
}
