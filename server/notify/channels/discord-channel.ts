// Discord Execute Webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook) with
// `wait=true`, so a message Discord could not save is an error rather than a silent 204.
// 429 bodies carry `retry_after` in (float) seconds (https://discord.com/developers/docs/topics/rate-limits).
import type { DeliveryOutcome, DiscordTarget, Notification } from '../notification.ts';
import { discordMessage } from './discord-embed.ts';
import { type ChannelHttp, detail, jsonObject, parseRetryAfter, postOnce, redact, secondsToMs } from './http-outcome.ts';

/** Refusals that repeat on every try: a malformed body, a deleted webhook, a bad token, no permission. */
const PERMANENT = new Set([400, 401, 403, 404]);

export async function deliverDiscord(
  n: Notification,
  target: DiscordTarget,
  http: ChannelHttp,
  apiBase: string,
  nowMs: () => number = Date.now,
): Promise<DeliveryOutcome> {
  const secrets = [target.webhookToken];
  const url = `${apiBase.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(target.webhookId)}/${encodeURIComponent(target.webhookToken)}?wait=true`;
  const body = JSON.stringify(discordMessage(n));
  const sent = await postOnce(http, url, { headers: { 'content-type': 'application/json' }, body }, secrets);
  if (sent.kind === 'failed') return sent.outcome;
  const { res } = sent;
  if (res.status === 200 || res.status === 204) return { ok: true, status: res.status };

  const json = jsonObject(sent.body);
  const message = typeof json?.message === 'string' ? json.message : detail(sent.body) || res.statusText;
  const code = typeof json?.code === 'number' ? ` (code ${json.code})` : '';
  // Form errors name the offending field: worth keeping, since they mean our embed is wrong.
  const fields = json?.errors === undefined ? '' : ` ${detail(JSON.stringify(json.errors))}`;
  const error = redact(`discord ${res.status}: ${message}${code}${fields}`, secrets);
  if (res.status === 429) {
    // The body's float is the precise one; Retry-After (whole seconds) when a proxy sent no JSON.
    const retryAfterMs = secondsToMs(json?.retry_after) ?? parseRetryAfter(res.headers.get('retry-after'), nowMs());
    return { ok: false, retry: true, status: 429, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), error };
  }
  if (PERMANENT.has(res.status)) return { ok: false, retry: false, status: res.status, error };
  return { ok: false, retry: true, status: res.status, error };
}
