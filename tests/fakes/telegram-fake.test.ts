// The Telegram fake refuses what the Bot API documents as refused; a fake that accepts anything proves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './telegram-fake-html.ts';
import { startTelegramFake, type TelegramFake } from './telegram-fake.ts';

const TOKEN = `123456:${'ABC-DEF1234ghIkl-zyx57W2v1u123ew11'}`;
const CHAT = '42';

let fake: TelegramFake;
beforeAll(async () => {
  fake = await startTelegramFake({ tokens: [TOKEN], chats: [CHAT, '@paperbook_channel'] });
});
afterAll(() => fake.close());

async function send(params: Record<string, unknown>, token = TOKEN, method = 'sendMessage') {
  const res = await fetch(`${fake.apiBase}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return {
    status: res.status,
    json: (await res.json()) as { ok: boolean; error_code?: number; description?: string; result?: { text: string; entities?: unknown[] } },
  };
}

const refusal = (code: number, description: string) => ({ status: code, json: { ok: false, error_code: code, description } });

describe('telegram fake', () => {
  it('accepts a documented request and answers with a Message', async () => {
    const out = await send({ chat_id: 42, text: '<b>hi</b> &amp; bye', parse_mode: 'HTML', some_future_field: true });
    expect(out.status).toBe(200);
    expect(out.json.ok).toBe(true);
    expect(out.json.result?.text).toBe('hi & bye');
    expect(out.json.result?.entities).toEqual([{ type: 'bold', offset: 0, length: 2 }]);
  });

  it('accepts every tag of the HTML style section', async () => {
    const html = [
      '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>',
      '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler><a href="http://www.example.com/">l</a>',
      '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code><pre>p</pre>',
      '<pre><code class="language-python">py</code></pre><blockquote>q</blockquote><blockquote expandable>eq</blockquote>',
    ].join('\n');
    const out = await send({ chat_id: CHAT, text: html, parse_mode: 'HTML' });
    expect(out.json.ok).toBe(true);
    expect(out.json.result?.entities).toHaveLength(18);
  });

  it('accepts a channel username and a urlencoded body', async () => {
    const res = await fetch(`${fake.apiBase}/bot${TOKEN}/SENDMESSAGE`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '@paperbook_channel', text: 'plain' }).toString(),
    });
    expect(res.status).toBe(200);
  });

  it('refuses an empty or missing chat_id', async () => {
    expect(await send({ chat_id: '', text: 'x' })).toEqual(refusal(400, 'Bad Request: chat_id is empty'));
    expect(await send({ text: 'x' })).toEqual(refusal(400, 'Bad Request: chat_id is empty'));
  });

  it('refuses an unknown chat', async () => {
    expect(await send({ chat_id: 7, text: 'x' })).toEqual(refusal(400, 'Bad Request: chat not found'));
  });

  it('refuses an empty text, and one that is empty once parsed', async () => {
    expect(await send({ chat_id: CHAT, text: '' })).toEqual(refusal(400, 'Bad Request: message text is empty'));
    expect(await send({ chat_id: CHAT, text: '<b> </b>', parse_mode: 'HTML' })).toEqual(refusal(400, 'Bad Request: message text is empty'));
  });

  it('counts 4096 characters after entities parsing', async () => {
    expect((await send({ chat_id: CHAT, text: 'a'.repeat(4096) })).status).toBe(200);
    expect(await send({ chat_id: CHAT, text: 'a'.repeat(4097) })).toEqual(refusal(400, 'Bad Request: message is too long'));
    expect((await send({ chat_id: CHAT, text: `<b>${'a'.repeat(4096)}</b>`, parse_mode: 'HTML' })).status).toBe(200);
    expect((await send({ chat_id: CHAT, text: '&amp;'.repeat(4097), parse_mode: 'HTML' })).status).toBe(400);
  });

  it('refuses unsupported tags, unescaped <, bad nesting and unclosed tags', async () => {
    expect(await send({ chat_id: CHAT, text: 'a<p>b</p>', parse_mode: 'HTML' })).toEqual(
      refusal(400, `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 1`),
    );
    expect((await send({ chat_id: CHAT, text: 'P/L < 0', parse_mode: 'HTML' })).json.description).toMatch(/^Bad Request: can't parse entities: /);
    expect((await send({ chat_id: CHAT, text: '<b><i>x</b></i>', parse_mode: 'HTML' })).json.description).toContain('Unmatched end tag at byte offset 7');
    expect((await send({ chat_id: CHAT, text: '<b>x', parse_mode: 'HTML' })).json.description).toContain(`Can't find end tag corresponding to start tag "b"`);
    expect((await send({ chat_id: CHAT, text: '<span>x</span>', parse_mode: 'HTML' })).status).toBe(400);
    expect((await send({ chat_id: CHAT, text: '<blockquote><blockquote>x</blockquote></blockquote>', parse_mode: 'HTML' })).status).toBe(400);
  });

  it('gives byte offsets in UTF-8', () => {
    expect(parseTelegramHtml('é<p>')).toEqual({ ok: false, error: 'Unsupported start tag "p" at byte offset 2' });
  });

  it('refuses a malformed or unknown token with 401, and an unknown method with 404', async () => {
    expect(await send({ chat_id: CHAT, text: 'x' }, 'not-a-token')).toEqual(refusal(401, 'Unauthorized'));
    expect(await send({ chat_id: CHAT, text: 'x' }, `999:${'a'.repeat(35)}`)).toEqual(refusal(401, 'Unauthorized'));
    expect(await send({ chat_id: CHAT, text: 'x' }, TOKEN, 'sendTelepathy')).toEqual(refusal(404, 'Not Found'));
  });

  it('refuses link_preview_options that is not an object', async () => {
    expect((await send({ chat_id: CHAT, text: 'x', link_preview_options: 'yes' })).status).toBe(400);
  });

  it('plays 429 with parameters.retry_after, then answers normally', async () => {
    fake.failNext(1, { kind: 'rate-limit', retryAfter: 5 });
    const out = await send({ chat_id: CHAT, text: 'x' });
    expect(out).toEqual({ status: 429, json: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } } });
    expect((await send({ chat_id: CHAT, text: 'x' })).status).toBe(200);
  });
});
