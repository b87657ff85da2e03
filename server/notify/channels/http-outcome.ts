// The HTTP pieces the three channels share: one timed request, Retry-After in both its forms, and
// error strings with the target's secrets taken out (a token in a log line is a leaked token).
import type { DeliveryOutcome } from '../notification.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a channel needs to make its one request: the fetch to use and the per-request timeout. */
export interface ChannelHttp {
  fetch: FetchLike;
  timeoutMs: number;
}

/** Longest response body a channel reads (bytes): receivers' error pages can be large, and we keep only a line of them. */
const MAX_BODY_BYTES = 64 * 1024;
/** Longest receiver-supplied text kept in an error string. */
const MAX_ERROR_DETAIL = 300;

export type Sent = { kind: 'response'; res: Response; body: string } | { kind: 'failed'; outcome: DeliveryOutcome & { ok: false } };

/**
 * POSTs once with a timeout and reads the body; a network error or a timeout becomes a retry outcome.
 * After a timeout the request may have arrived: a webhook receiver dedupes on idempotency-key, while
 * Telegram and Discord have no such key and may then show the message twice, which beats losing it.
 */
export async function postOnce(http: ChannelHttp, url: string, init: RequestInit, secrets: readonly string[]): Promise<Sent> {
  try {
    const res = await http.fetch(url, { ...init, method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(http.timeoutMs) });
    const body = await readCapped(res);
    return { kind: 'response', res, body };
  } catch (err) {
    return { kind: 'failed', outcome: { ok: false, retry: true, error: redact(networkError(err, http.timeoutMs), secrets) } };
  }
}

/** Reads at most MAX_BODY_BYTES bytes and stops the transfer there: a user's receiver may stream without end. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= MAX_BODY_BYTES) await reader.cancel();
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function networkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  // undici puts the useful part (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`.
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `network error: ${err instanceof Error ? err.message : String(err)}${cause}`;
}

/**
 * Retry-After as milliseconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Undefined when
 * absent or unreadable, so the caller's own backoff applies.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  // An HTTP-date names its day and month; Date.parse alone would also take "-5" as a year.
  const at = /^[A-Za-z]{3}, /.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Seconds from a JSON body (Telegram's integer, Discord's float) as milliseconds, or undefined. */
export function secondsToMs(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.ceil(v * 1000) : undefined;
}

/** Replaces every occurrence of each secret (and its URL-encoded form) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('<redacted>');
  }
  return out;
}

/** A receiver's text cut to one readable line for an error string. */
export function detail(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_DETAIL ? `${line.slice(0, MAX_ERROR_DETAIL)}…` : line;
}

/** Parses a JSON object body, or null (an HTML error page from a proxy, an empty 204). */
export function jsonObject(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null; // not JSON: the caller falls back to the status code alone
  }
}
