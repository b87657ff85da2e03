// The Telegram channel against the local Bot API fake over real HTTP: what a chat shows for each
// kind, the 4096 limit, and which refusals are retried (429 with its delay, 5xx, timeouts) or final.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliver } from '../../server/notify/channels/deliver.ts';
import { escapeTelegramHtml, telegramHtml, telegramMessage } from '../../server/notify/channels/telegram-text.ts';
import type { TelegramTarget } from '../../server/notify/notification.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-fake.ts';
import { KINDS, notification } from './notification-factory.ts';

const TOKEN = `7312345678:AAF${'k9Zq_-'.repeat(5)}xy`;
const CHAT = '-1001234567890';

let fake: TelegramFake;
let target: TelegramTarget;
let deliver: ReturnType<typeof createDeliver>;
beforeAll(async () => {
  fake = await startTelegramFake({ tokens: [TOKEN], chats: [CHAT], blockedChats: ['777'] });
  target = { kind: 'telegram', botToken: TOKEN, chatId: CHAT };
  deliver = createDeliver({ telegramApiBase: fake.apiBase, discordApiBase: 'http://127.0.0.1:9', timeoutMs: 2_000 });
});
afterAll(() => fake.close());

const lastText = () => fake.messages.at(-1)!.text;

describe('telegram channel', () => {
  it('uses a token of the documented shape in these tests', () => {
    expect(TOKEN).toMatch(/^\d+:[A-Za-z0-9_-]{35}$/);
  });

  it.each(KINDS)('sends %s as HTML the API parses, with the trade link and previews off', async (kind) => {
    const out = await deliver(notification(kind), target);
    expect(out).toEqual({ ok: true, status: 200 });
    const m = fake.messages.at(-1)!;
    expect(m.parseMode).toBe('HTML');
    expect(m.linkPreviewOptions).toEqual({ is_disabled: true });
    expect(m.text).toContain('BTCUSDT LONG');
    expect(m.text).toContain('Alpha <Signals> & Co (alpha-signals)');
    expect(m.text).toContain('Futures 5× · 1h');
    expect(m.text).toContain('Entry: 64,250.50');
    expect(m.text).toContain('Targets: 65,000.00 / 66,000.25');
    expect(m.text).toContain('Stop: 63,000.00');
    expect(m.entities).toContainEqual(expect.objectContaining({ type: 'text_link', url: 'https://paperbook.example/trades/42' }));
    expect(m.entities).toContainEqual(expect.objectContaining({ type: 'bold', offset: 0 }));
  });

  it('says what the event was', async () => {
    await deliver(notification('trade.opened'), target);
    expect(lastText()).toMatch(/^BTCUSDT LONG opened\n/);
    await deliver(notification('trade.leg'), target);
    expect(lastText()).toContain('BTCUSDT LONG · TP1 filled');
    expect(lastText()).toContain('Fill: TP1 at 65,000.00 · qty 0.00389');
    expect(lastText()).toContain('Leg P/L: +2.91 USDT');
    await deliver(notification('trade.closed'), target);
    expect(lastText()).toContain('BTCUSDT LONG closed (take profit)');
    expect(lastText()).toContain('Exit: 66,000.25');
    expect(lastText()).toContain('P/L: +9.65 USDT (+9.65%)');
    expect(lastText()).toContain('Fees: 0.64 USDT');
  });

  it('shows a loss with a minus sign', async () => {
    const n = notification('trade.closed');
    n.close = { ...n.close!, profitLoss: -3.5, profitLossPercentage: -3.5, reason: 'STOP_LOSS' };
    await deliver(n, target);
    expect(lastText()).toContain('P/L: \u22123.50 USDT (\u22123.50%)');
  });

  it('keeps a link with & and " intact through the href attribute', async () => {
    const url = 'https://paperbook.example/trades/42?ref=tg&x="y"';
    expect(await deliver(notification('trade.opened', { tradeUrl: url }), target)).toEqual({ ok: true, status: 200 });
    expect(fake.messages.at(-1)!.entities).toContainEqual(expect.objectContaining({ type: 'text_link', url }));
  });

  it('escapes only & < > (the HTML style rules)', () => {
    expect(escapeTelegramHtml(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
  });

  it('cuts over-long bot text so the message stays within 4096 and the API accepts it', async () => {
    const n = notification('trade.opened', {
      botDisplayName: '<&>'.repeat(5000),
      trade: { ...notification('trade.opened').trade, takeProfit: Array.from({ length: 2000 }, (_, k) => 65000 + k) },
    });
    expect(await deliver(n, target)).toEqual({ ok: true, status: 200 });
    expect(Array.from(lastText()).length).toBeLessThanOrEqual(4096);
    expect(lastText()).toContain('…');
    expect(telegramMessage(n).length).toBeGreaterThan(0);
  });

  it('drops whole lines, never a tag, when a summary would pass 4096', async () => {
    const lines = Array.from({ length: 100 }, (_, k) => ({ label: `Line ${k}`, value: '<&>'.repeat(40) }));
    const html = telegramHtml({ title: 'Big', botLabel: 'b', lines, url: 'https://paperbook.example/trades/1', tone: 'open' });
    const res = await fetch(`${fake.apiBase}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: CHAT, text: html, parse_mode: 'HTML' }),
    });
    expect(res.status).toBe(200);
    expect(lastText().length).toBeLessThanOrEqual(4096);
    expect(lastText()).toMatch(/View trade on Paperbook$/);
  });

  it('429 is a retry after parameters.retry_after', async () => {
    fake.failNext(1, { kind: 'rate-limit', retryAfter: 3 });
    const out = await deliver(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true, status: 429, retryAfterMs: 3000 });
    if (!out.ok) expect(out.error).toContain('Too Many Requests: retry after 3');
  });

  it('500 and an HTML 502 from the proxy are retries', async () => {
    fake.failNext(1, { kind: 'internal' });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 500 });
    fake.failNext(1, { kind: 'bad-gateway' });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 502 });
    expect(await deliver(notification('trade.opened'), target)).toEqual({ ok: true, status: 200 });
  });

  it('an unknown token is final (401), and the token is not in the error', async () => {
    const other = `${TOKEN.slice(0, -4)}ZZZZ`;
    const out = await deliver(notification('trade.opened'), { ...target, botToken: other });
    expect(out).toMatchObject({ ok: false, retry: false, status: 401 });
    if (!out.ok) {
      expect(out.error).toContain('Unauthorized');
      expect(out.error).not.toContain(other);
      expect(out.error).not.toContain(other.split(':')[1]);
    }
  });

  it('an unknown chat is final with the API’s description', async () => {
    const out = await deliver(notification('trade.opened'), { ...target, chatId: '-100999' });
    expect(out).toEqual({ ok: false, retry: false, status: 400, error: 'telegram 400: Bad Request: chat not found' });
  });

  it('a bot blocked by the user (403) and a wrong API path (404) are final', async () => {
    expect(await deliver(notification('trade.opened'), { ...target, chatId: '777' })).toEqual({
      ok: false,
      retry: false,
      status: 403,
      error: 'telegram 403: Forbidden: bot was blocked by the user',
    });
    const misrouted = createDeliver({ telegramApiBase: `${fake.apiBase}/v2`, discordApiBase: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    const out = await misrouted(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: false, status: 404 });
    if (!out.ok) expect(out.error).not.toContain(TOKEN);
  });

  it('a timeout is a retry and names no token', async () => {
    fake.failNext(1, { kind: 'hang', ms: 1_000 });
    const slow = createDeliver({ telegramApiBase: fake.apiBase, discordApiBase: 'http://127.0.0.1:9', timeoutMs: 150 });
    const out = await slow(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true });
    if (!out.ok) {
      expect(out.error).toContain('timeout');
      expect(out.error).not.toContain(TOKEN);
    }
  });

  it('a refused connection is a retry and names no token', async () => {
    const down = createDeliver({ telegramApiBase: 'http://127.0.0.1:9', discordApiBase: 'http://127.0.0.1:9', timeoutMs: 1_000 });
    const out = await down(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true });
    if (!out.ok) expect(out.error).not.toContain(TOKEN.split(':')[1]);
  });

  it('a formatting bug is reported as final, not retried, and names no token', async () => {
    const broken = { ...notification('trade.opened'), trade: undefined } as unknown as Parameters<typeof deliver>[0];
    const out = await deliver(broken, target);
    expect(out).toMatchObject({ ok: false, retry: false });
    if (!out.ok) {
      expect(out.error).toMatch(/^internal error formatting telegram delivery/);
      expect(out.error).not.toContain(TOKEN);
    }
  });
});
