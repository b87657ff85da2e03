// The Discord channel against the local API fake over real HTTP: the embed each kind becomes, the
// documented limits held, and which refusals are retried (429 with its delay, 5xx, timeouts) or final.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliver } from '../../server/notify/channels/deliver.ts';
import { discordEmbed, discordMessage, embedSize, escapeDiscordMarkdown } from '../../server/notify/channels/discord-embed.ts';
import type { DiscordTarget } from '../../server/notify/notification.ts';
import { type DiscordFake, startDiscordFake } from '../fakes/discord-fake.ts';
import { KINDS, notification } from './notification-factory.ts';

const HOOK = { id: '1234567890123456789', token: 'hX9_kq2-Lm8sVbT3yR0pWcN7eA1uJ5dF6gH4iK2oQ9zX8cV7bN6mL5kJ4hG3fD2s' };

let fake: DiscordFake;
let target: DiscordTarget;
let deliver: ReturnType<typeof createDeliver>;
beforeAll(async () => {
  fake = await startDiscordFake([HOOK]);
  target = { kind: 'discord', webhookId: HOOK.id, webhookToken: HOOK.token };
  deliver = createDeliver({ telegramApiBase: 'http://127.0.0.1:9', discordApiBase: fake.apiBase, timeoutMs: 2_000 });
});
afterAll(() => fake.close());

type Embed = {
  title: string;
  url: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
  footer: { text: string };
};
const lastEmbed = () => (fake.messages.at(-1)!.body.embeds as Embed[])[0]!;
const field = (name: string) => lastEmbed().fields.find((f) => f.name === name)?.value;

describe('discord channel', () => {
  it.each(KINDS)('posts %s as one embed with wait=true, and Discord saves it', async (kind) => {
    const n = notification(kind);
    expect(await deliver(n, target)).toEqual({ ok: true, status: 200 });
    const posted = fake.messages.at(-1)!;
    expect(posted.wait).toBe(true);
    expect(posted.body.username).toBe('Alpha <Signals> & Co');
    expect(posted.body.allowed_mentions).toEqual({ parse: [] });
    const e = lastEmbed();
    expect(e.url).toBe(n.tradeUrl);
    expect(e.timestamp).toBe(n.at);
    expect(e.title).toContain('BTCUSDT LONG');
    expect(field('Entry')).toBe('64,250.50');
    expect(field('Stop')).toBe('63,000.00');
    expect(field('Bot')).toBe('Alpha \\<Signals\\> & Co (alpha-signals)');
  });

  it('colours and fields say what the event was', async () => {
    await deliver(notification('trade.leg'), target);
    expect(field('Fill')).toBe('TP1 at 65,000.00 · qty 0.00389');
    expect(field('Leg P/L')).toBe('+2.91 USDT');
    await deliver(notification('trade.closed'), target);
    expect(lastEmbed().title).toBe('BTCUSDT LONG closed (take profit)');
    expect(field('P/L')).toBe('+9.65 USDT (+9.65%)');
    const winColor = lastEmbed().color;
    const loss = notification('trade.closed');
    loss.close = { ...loss.close!, profitLoss: -1, profitLossPercentage: -1 };
    await deliver(loss, target);
    expect(lastEmbed().color).not.toBe(winColor);
  });

  it('leaves out a username Discord would refuse, so the message still posts under the webhook’s own name', async () => {
    expect(await deliver(notification('trade.opened', { botDisplayName: 'Discord Alerts' }), target)).toEqual({ ok: true, status: 200 });
    expect(fake.messages.at(-1)!.body).not.toHaveProperty('username');
  });

  it('cuts over-long text to the embed limits and Discord accepts it', async () => {
    const base = notification('trade.opened');
    const n = notification('trade.opened', {
      botDisplayName: '*_'.repeat(3000),
      trade: { ...base.trade, takeProfit: Array.from({ length: 3000 }, (_, k) => 65000 + k) },
    });
    expect(await deliver(n, target)).toEqual({ ok: true, status: 200 });
    expect(String(fake.messages.at(-1)!.body.username).length).toBeLessThanOrEqual(80);
    for (const f of lastEmbed().fields) expect(Array.from(f.value).length).toBeLessThanOrEqual(1024);
  });

  it('keeps to 25 fields and 6000 characters however long a summary is', () => {
    const n = notification('trade.opened');
    const lines = Array.from({ length: 40 }, (_, k) => ({ label: `Line ${k}`, value: 'x'.repeat(2000) }));
    const e = discordEmbed({ title: 't'.repeat(1000), botLabel: 'b', lines, url: n.tradeUrl, tone: 'open' }, n);
    expect(Array.from(e.title).length).toBeLessThanOrEqual(256);
    expect(e.fields.length).toBeLessThanOrEqual(25);
    expect(embedSize(e)).toBeLessThanOrEqual(6000);
  });

  it('escapes markdown without leaving a dangling backslash where it cuts', () => {
    expect(escapeDiscordMarkdown('a*b_c`d|e<f>[g]#h')).toBe('a\\*b\\_c\\`d\\|e\\<f\\>\\[g\\]\\#h');
    const n = notification('trade.opened');
    const e = discordEmbed({ title: 'x', botLabel: 'b', lines: [{ label: 'Stars', value: '*'.repeat(2000) }], url: n.tradeUrl, tone: 'open' }, n);
    const value = e.fields[0]!.value;
    expect(value.endsWith('…')).toBe(true);
    expect(Array.from(value).length).toBeLessThanOrEqual(1024);
    // An even run of backslashes before the ellipsis: none of them escapes it.
    expect(/(\\*)…$/.exec(value)![1]!.length % 2).toBe(0);
    expect(discordMessage(n).allowed_mentions).toEqual({ parse: [] });
  });

  it('429 is a retry after the body’s retry_after (float seconds)', async () => {
    fake.failNext(1, { kind: 'rate-limit', retryAfter: 1.25 });
    const out = await deliver(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true, status: 429, retryAfterMs: 1250 });
  });

  it('500 and an HTML 502 are retries', async () => {
    fake.failNext(1, { kind: 'internal' });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 500 });
    fake.failNext(1, { kind: 'bad-gateway' });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 502 });
  });

  it('a wrong token is final (401) and not in the error', async () => {
    const wrong = `${HOOK.token.slice(0, -3)}zzz`;
    const out = await deliver(notification('trade.opened'), { ...target, webhookToken: wrong });
    expect(out).toMatchObject({ ok: false, retry: false, status: 401 });
    if (!out.ok) {
      expect(out.error).toContain('Invalid Webhook Token');
      expect(out.error).not.toContain(wrong);
    }
  });

  it('a deleted webhook is final (404)', async () => {
    const out = await deliver(notification('trade.opened'), { ...target, webhookId: '1000000000000000001' });
    expect(out).toMatchObject({ ok: false, retry: false, status: 404 });
    if (!out.ok) expect(out.error).toContain('Unknown Webhook (code 10015)');
  });

  it('a timeout is a retry and names no token', async () => {
    fake.failNext(1, { kind: 'hang', ms: 1_000 });
    const slow = createDeliver({ telegramApiBase: 'http://127.0.0.1:9', discordApiBase: fake.apiBase, timeoutMs: 150 });
    const out = await slow(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true });
    if (!out.ok) {
      expect(out.error).toContain('timeout');
      expect(out.error).not.toContain(HOOK.token);
    }
  });
});
