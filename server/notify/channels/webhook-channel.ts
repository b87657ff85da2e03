// The user's own HTTPS receiver (SPEC §14). What a receiver gets, one POST per event and target:
//   body     the Notification as JSON, camelCase exactly as the `Notification` interface (no envelope)
//   headers  content-type: application/json; user-agent: Paperbook-Webhook/1; x-paperbook-event: <kind>;
//            idempotency-key and x-paperbook-delivery: <n.id>, the same on every try;
//            x-paperbook-signature: sha256=<hex HMAC-SHA256(secret, the exact body bytes)>
// Like Stripe's webhooks, anything but a 2xx is retried (the receiver is the user's code and dedupes
// on idempotency-key); redirects are not followed; Retry-After is honoured on 429 and 503.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeliveryOutcome, Notification, WebhookTarget } from '../notification.ts';
import { type ChannelHttp, detail, parseRetryAfter, postOnce, redact } from './http-outcome.ts';

export const WEBHOOK_USER_AGENT = 'Paperbook-Webhook/1';
const SIGNATURE_PREFIX = 'sha256=';

/** `sha256=<hex HMAC-SHA256(secret, body)>`, over the exact bytes sent. */
export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/** Checks an `x-paperbook-signature` header in constant time (for receivers, tests and the docs' example). */
export function verifyWebhookSignature(secret: string, body: string | Uint8Array, header: string | null | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith(SIGNATURE_PREFIX)) return false;
  const given = Buffer.from(header.slice(SIGNATURE_PREFIX.length), 'hex');
  const expected = Buffer.from(signWebhookBody(secret, body).slice(SIGNATURE_PREFIX.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The headers of one delivery; exported so the docs and tests name the same set. */
export function webhookHeaders(n: Notification, secret: string, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'x-paperbook-event': n.kind,
    'x-paperbook-delivery': n.id,
    'idempotency-key': n.id,
    'x-paperbook-signature': signWebhookBody(secret, body),
  };
}

export async function deliverWebhook(n: Notification, target: WebhookTarget, http: ChannelHttp, nowMs: () => number = Date.now): Promise<DeliveryOutcome> {
  const body = JSON.stringify(n);
  const sent = await postOnce(http, target.url, { headers: webhookHeaders(n, target.secret, body), body }, [target.secret]);
  if (sent.kind === 'failed') return sent.outcome;
  const { res } = sent;
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  // Retry-After is honoured where HTTP gives it meaning (RFC 9110 §10.2.3: 503 and 3xx; RFC 6585: 429).
  const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after'), nowMs()) : undefined;
  const why = res.status >= 300 && res.status < 400 ? 'redirect not followed' : detail(sent.body) || res.statusText;
  return {
    ok: false,
    retry: true,
    status: res.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    error: redact(`webhook receiver answered ${res.status}${why ? `: ${why}` : ''}`, [target.secret]),
  };
}
