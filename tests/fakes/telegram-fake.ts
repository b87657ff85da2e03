// A local Telegram Bot API (sendMessage only), written from the published documentation, not from our client:
//   https://core.telegram.org/bots/api#making-requests   — /bot<token>/METHOD, GET or POST, query string,
//     urlencoded or JSON; {ok, result} or {ok:false, error_code, description, parameters?}; methods are case-insensitive
//   https://core.telegram.org/bots/api#authorizing-your-bot — token shape `123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11`
//     (BotFather's tokens have 35 characters after the colon, the docs' example 34; the fake checks the shape the
//     open-source server checks in ClientManager.cpp: a bot id, a colon, no '/', at most 80 characters)
//   https://core.telegram.org/bots/api#sendmessage       — chat_id and text required, text 1-4096 characters after entities parsing
//   https://core.telegram.org/bots/api#formatting-options / #html-style — parse_mode HTML (./telegram-fake-html.ts)
//   https://core.telegram.org/bots/api#linkpreviewoptions — link_preview_options (Bot API 7.0, replacing disable_web_page_preview)
//   https://core.telegram.org/bots/api#responseparameters — parameters.retry_after / migrate_to_chat_id
//   https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this — 429 with retry_after
// Error descriptions use the wording of the open-source Bot API server (github.com/tdlib/telegram-bot-api, Client.cpp):
// "Bad Request: chat_id is empty", "Bad Request: chat not found", "Bad Request: message text is empty",
// "Unauthorized", "Too Many Requests: retry after N". Unknown parameters are ignored, as by the real API.
import type http from 'node:http';
import { type FakeServer, sendJson, sendText, sleep, startFakeServer } from './fake-http.ts';
import { parseTelegramHtml, type TelegramEntity } from './telegram-fake-html.ts';

/** "<bot id>:<secret>", as the Bot API server accepts it; anything else is 401 before any lookup. */
export const TELEGRAM_TOKEN_SHAPE = /^[1-9]\d{0,15}:[A-Za-z0-9_-]{30,63}$/;
const TEXT_MAX = 4096;

export type TelegramFailure = { kind: 'rate-limit'; retryAfter: number } | { kind: 'internal' } | { kind: 'bad-gateway' } | { kind: 'hang'; ms: number };

export interface TelegramReceived {
  token: string;
  chatId: string;
  /** The text as parsed (what a reader sees). */
  text: string;
  /** The text as sent. */
  raw: string;
  parseMode: string | null;
  entities: TelegramEntity[];
  linkPreviewOptions: unknown;
  params: Record<string, unknown>;
}

export interface TelegramFake extends FakeServer {
  /** Pass as ChannelOptions.telegramApiBase. */
  apiBase: string;
  messages: TelegramReceived[];
  /** Every request that reached the fake, accepted or not. */
  requestCount(): number;
  /** The next `count` sendMessage requests fail this way, then the fake answers normally. */
  failNext(count: number, failure: TelegramFailure): void;
}

export interface TelegramFakeOptions {
  /** Bot tokens the fake knows. */
  tokens: string[];
  /** Chats the bots may write to (ids as strings, or @channelusername). */
  chats: string[];
  /** Private chats whose user blocked the bot: 403 "Forbidden: bot was blocked by the user". */
  blockedChats?: string[];
}

type Params = Record<string, unknown>;

function paramsOf(req: http.IncomingMessage, body: Buffer, url: URL): Params | 'bad-json' {
  const params: Params = Object.fromEntries(url.searchParams);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (body.length === 0) return params;
  if (type === 'application/json') {
    try {
      const v: unknown = JSON.parse(body.toString('utf8'));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'bad-json';
      return { ...params, ...(v as Params) };
    } catch {
      return 'bad-json'; // answered as the API does, below
    }
  }
  if (type === 'application/x-www-form-urlencoded') return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  return params;
}

const fail = (res: http.ServerResponse, code: number, description: string, parameters?: Params) =>
  sendJson(res, code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));

export async function startTelegramFake(opts: TelegramFakeOptions): Promise<TelegramFake> {
  const tokens = new Set(opts.tokens);
  const chats = new Set(opts.chats);
  const blocked = new Set(opts.blockedChats ?? []);
  const messages: TelegramReceived[] = [];
  const failures: TelegramFailure[] = [];
  let requests = 0;
  let nextId = 1;

  const server = await startFakeServer(async (req, body, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m || m[2]?.toLowerCase() !== 'sendmessage') return fail(res, 404, 'Not Found');
    const token = decodeURIComponent(m[1] ?? '');
    const failure = failures.shift();
    if (failure?.kind === 'hang') await sleep(failure.ms);
    else if (failure?.kind === 'rate-limit') return fail(res, 429, `Too Many Requests: retry after ${failure.retryAfter}`, { retry_after: failure.retryAfter });
    else if (failure?.kind === 'internal') return fail(res, 500, 'Internal Server Error');
    // A 502 from the front proxy is an HTML page, not the API's JSON.
    else if (failure?.kind === 'bad-gateway') return sendText(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    if (!TELEGRAM_TOKEN_SHAPE.test(token) || !tokens.has(token)) return fail(res, 401, 'Unauthorized');

    const params = paramsOf(req, body, url);
    if (params === 'bad-json') return fail(res, 400, "Bad Request: can't parse JSON encoded request");
    const raw = str(params.text);
    if (raw.length === 0) return fail(res, 400, 'Bad Request: message text is empty');
    const parseMode = params.parse_mode === undefined ? null : str(params.parse_mode);
    let text = raw;
    let entities: TelegramEntity[] = [];
    if (parseMode !== null && parseMode !== '') {
      if (parseMode.toLowerCase() !== 'html') return fail(res, 400, `Bad Request: fake supports parse_mode HTML only, not ${parseMode}`);
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) return fail(res, 400, `Bad Request: can't parse entities: ${parsed.error}`);
      ({ text, entities } = parsed);
    }
    if (text.trim().length === 0) return fail(res, 400, 'Bad Request: message text is empty');
    // "characters" as TDLib counts them: Unicode code points.
    if (Array.from(text).length > TEXT_MAX) return fail(res, 400, 'Bad Request: message is too long');
    let linkPreviewOptions: unknown = params.link_preview_options;
    if (typeof linkPreviewOptions === 'string') {
      try {
        linkPreviewOptions = JSON.parse(linkPreviewOptions);
      } catch {
        linkPreviewOptions = null; // rejected just below
      }
    }
    if (linkPreviewOptions !== undefined && (linkPreviewOptions === null || typeof linkPreviewOptions !== 'object'))
      return fail(res, 400, "Bad Request: can't parse link preview options JSON object");
    const chatId = str(params.chat_id);
    if (chatId.length === 0) return fail(res, 400, 'Bad Request: chat_id is empty');
    if (blocked.has(chatId)) return fail(res, 403, 'Forbidden: bot was blocked by the user');
    if (!chats.has(chatId)) return fail(res, 400, 'Bad Request: chat not found');

    messages.push({ token, chatId, text, raw, parseMode, entities, linkPreviewOptions, params });
    const botId = Number(token.split(':')[0]);
    sendJson(res, 200, {
      ok: true,
      result: {
        message_id: nextId++,
        from: { id: botId, is_bot: true, first_name: 'Fake bot', username: `fake${botId}_bot` },
        chat: /^-?\d+$/.test(chatId)
          ? { id: Number(chatId), type: chatId.startsWith('-') ? 'supergroup' : 'private' }
          : { id: -1000000000001, type: 'channel', username: chatId.slice(1) },
        date: Math.floor(Date.now() / 1000),
        text,
        ...(entities.length > 0 ? { entities } : {}),
        ...(linkPreviewOptions === undefined ? {} : { link_preview_options: linkPreviewOptions }),
      },
    });
  });

  return {
    ...server,
    apiBase: server.origin,
    messages,
    requestCount: () => requests,
    failNext(count, failure) {
      for (let k = 0; k < count; k++) failures.push(failure);
    },
  };
}
