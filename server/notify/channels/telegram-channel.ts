// Telegram Bot API sendMessage (https://core.telegram.org/bots/api#sendmessage). The API answers
// {ok, result} or {ok:false, error_code, description, parameters?}; 429 carries parameters.retry_after.
// The bot token is in the URL path, so every error string is redacted of it.
import type { DeliveryOutcome, Notification, TelegramTarget } from '../notification.ts';
import { type ChannelHttp, detail, jsonObject, parseRetryAfter, postOnce, redact, secondsToMs } from './http-outcome.ts';
import { telegramMessage } from './telegram-text.ts';

/** The sendMessage body. Bot API 7.0 replaced disable_web_page_preview with link_preview_options. */
export function telegramRequestBody(n: Notification, target: TelegramTarget): Record<string, unknown> {
  return {
    chat_id: target.chatId,
    text: telegramMessage(n),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
}

/** Refusals that repeat on every try: a bad request, a revoked token, a bot blocked or removed, a chat gone. */
const PERMANENT = new Set([400, 401, 403, 404]);

export async function deliverTelegram(n: Notification, target: TelegramTarget, http: ChannelHttp, apiBase: string): Promise<DeliveryOutcome> {
  const secrets = [target.botToken];
  const url = `${apiBase.replace(/\/+$/, '')}/bot${target.botToken}/sendMessage`;
  const body = JSON.stringify(telegramRequestBody(n, target));
  const sent = await postOnce(http, url, { headers: { 'content-type': 'application/json' }, body }, secrets);
  if (sent.kind === 'failed') return sent.outcome;
  const { res } = sent;
  const json = jsonObject(sent.body);
  if (res.status === 200 && json?.ok === true) return { ok: true, status: 200 };

  const params = json?.parameters !== null && typeof json?.parameters === 'object' ? (json.parameters as Record<string, unknown>) : {};
  const description = typeof json?.description === 'string' ? detail(json.description) : detail(sent.body) || res.statusText;
  // A group that became a supergroup: the chat id must be changed by its owner, so say where it went.
  const migrated = params.migrate_to_chat_id === undefined ? '' : ` (chat migrated to ${String(params.migrate_to_chat_id)})`;
  const error = redact(`telegram ${res.status}: ${description}${migrated}`, secrets);
  if (res.status === 429) {
    // parameters.retry_after is the API's; Retry-After covers a 429 from a proxy in front of it.
    const retryAfterMs = secondsToMs(params.retry_after) ?? parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return { ok: false, retry: true, status: 429, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), error };
  }
  if (PERMANENT.has(res.status)) return { ok: false, retry: false, status: res.status, error };
  // 5xx, a 200 that is not {ok:true}, anything else: the API or a proxy in front of it had a bad moment.
  return { ok: false, retry: true, status: res.status, error };
}
