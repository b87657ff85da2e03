// A local Discord API (Execute Webhook only), written from the published documentation, not from our client:
//   https://discord.com/developers/docs/resources/webhook#execute-webhook — POST /webhooks/{id}/{token}, `wait` query
//     ("returns the created message body"; otherwise 204 No Content), JSON body rules in ./discord-fake-validate.ts
//   https://discord.com/developers/docs/reference#boolean-query-strings — True/true/1 and False/false/0
//   https://discord.com/developers/docs/topics/opcodes-and-status-codes#json — 10015 Unknown webhook, 50027 Invalid webhook
//     token, 50006 Cannot send an empty message, 50035 Invalid form body (also for a wrong Content-Type), 50109 invalid JSON
//   https://discord.com/developers/docs/topics/rate-limits — X-RateLimit-* headers on every answer; 429 with
//     {message, retry_after (float seconds), global}, Retry-After, X-RateLimit-Scope
// Paths are accepted with and without the /v10 version prefix (https://discord.com/developers/docs/reference#api-versioning).
import type http from 'node:http';
import { formErrorBody, hasMessageContent, validateWebhookBody } from './discord-fake-validate.ts';
import { type FakeServer, sendJson, sendText, sleep, startFakeServer } from './fake-http.ts';

export type DiscordFailure = { kind: 'rate-limit'; retryAfter: number } | { kind: 'internal' } | { kind: 'bad-gateway' } | { kind: 'hang'; ms: number };

export interface DiscordWebhook {
  id: string;
  token: string;
  channelId?: string;
  name?: string;
}

export interface DiscordPosted {
  webhookId: string;
  wait: boolean;
  body: Record<string, unknown>;
}

export interface DiscordFake extends FakeServer {
  /** Pass as ChannelOptions.discordApiBase. */
  apiBase: string;
  messages: DiscordPosted[];
  requestCount(): number;
  /** The next `count` executions fail this way, then the fake answers normally. */
  failNext(count: number, failure: DiscordFailure): void;
}

const SNOWFLAKE = /^\d{1,20}$/;
const BUCKET = 'fakebucket0001';
const LIMIT = 5;

function rateHeaders(remaining: number, resetAfter: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(LIMIT),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': (Date.now() / 1000 + resetAfter).toFixed(3),
    'x-ratelimit-reset-after': resetAfter.toFixed(3),
    'x-ratelimit-bucket': BUCKET,
  };
}

const queryBool = (v: string | null): boolean => v !== null && ['true', '1'].includes(v.toLowerCase());

export async function startDiscordFake(webhooks: DiscordWebhook[]): Promise<DiscordFake> {
  const byId = new Map(webhooks.map((w) => [w.id, w]));
  const messages: DiscordPosted[] = [];
  const failures: DiscordFailure[] = [];
  let requests = 0;
  let nextId = 1300000000000000000n;

  const execute = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, hook: DiscordWebhook, url: URL) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      return sendJson(res, 400, {
        code: 50035,
        errors: {
          _errors: [{ code: 'CONTENT_TYPE_INVALID', message: "Expected \"Content-Type\" header to be one of {'application/json', 'multipart/form-data'}." }],
        },
        message: 'Invalid Form Body',
      });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return sendJson(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
    const msg = parsed as Record<string, unknown>;
    const errs = validateWebhookBody(msg);
    if (errs.length > 0) return sendJson(res, 400, formErrorBody(errs), rateHeaders(LIMIT - 1, 1));
    if (!hasMessageContent(msg)) return sendJson(res, 400, { message: 'Cannot send an empty message', code: 50006 }, rateHeaders(LIMIT - 1, 1));

    const wait = queryBool(url.searchParams.get('wait'));
    messages.push({ webhookId: hook.id, wait, body: msg });
    if (!wait) {
      res.writeHead(204, rateHeaders(LIMIT - 1, 1));
      return res.end();
    }
    const id = String(nextId++);
    sendJson(
      res,
      200,
      {
        id,
        type: 0,
        content: typeof msg.content === 'string' ? msg.content : '',
        channel_id: hook.channelId ?? '1100000000000000001',
        author: {
          id: hook.id,
          username: typeof msg.username === 'string' ? msg.username : (hook.name ?? 'Fake hook'),
          avatar: null,
          discriminator: '0000',
          bot: true,
        },
        attachments: [],
        embeds: Array.isArray(msg.embeds) ? msg.embeds.map((e: object) => ({ type: 'rich', ...e })) : [],
        mentions: [],
        mention_roles: [],
        pinned: false,
        mention_everyone: false,
        tts: false,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        flags: 0,
        components: [],
        webhook_id: hook.id,
      },
      rateHeaders(LIMIT - 1, 1),
    );
  };

  const server = await startFakeServer(async (req, body, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/api(?:\/v\d+)?\/webhooks\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    if (req.method !== 'POST') return sendJson(res, 405, { message: '405: Method Not Allowed', code: 0 });
    const id = decodeURIComponent(m[1] ?? '');
    const token = decodeURIComponent(m[2] ?? '');
    if (!SNOWFLAKE.test(id))
      return sendJson(res, 400, formErrorBody([{ path: ['webhook_id'], error: { code: 'NUMBER_TYPE_COERCE', message: `Value "${id}" is not snowflake.` } }]));
    const hook = byId.get(id);
    if (!hook) return sendJson(res, 404, { message: 'Unknown Webhook', code: 10015 });
    if (hook.token !== token) return sendJson(res, 401, { message: 'Invalid Webhook Token', code: 50027 });

    const failure = failures.shift();
    if (failure?.kind === 'hang') await sleep(failure.ms);
    else if (failure?.kind === 'rate-limit')
      return sendJson(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: failure.retryAfter, global: false },
        { ...rateHeaders(0, failure.retryAfter), 'retry-after': String(Math.ceil(failure.retryAfter)), 'x-ratelimit-scope': 'user' },
      );
    else if (failure?.kind === 'internal') return sendJson(res, 500, { message: '500: Internal Server Error', code: 0 });
    // A 502 from the edge is Cloudflare's HTML, not the API's JSON.
    else if (failure?.kind === 'bad-gateway') return sendText(res, 502, '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>');
    execute(req, body, res, hook, url);
  });

  return {
    ...server,
    apiBase: `${server.origin}/api`,
    messages,
    requestCount: () => requests,
    failNext(count, failure) {
      for (let k = 0; k < count; k++) failures.push(failure);
    },
  };
}
