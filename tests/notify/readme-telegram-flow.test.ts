// Issue 21's "done when": a user follows the README from `token:create` to a Telegram message for
// a TradingView alert. The README's own lines run (its "Notifications" block, then its TradingView
// template posted as TradingView posts it) against a real server whose TELEGRAM_API_BASE and
// DISCORD_API_BASE point at local fakes written from those APIs' docs (tests/fakes/). The message
// the chat shows names the symbol, the levels and the trade page; a Discord channel added the same
// way gets the embed; a Telegram target with an unknown chat is refused for good (dead-lettered at
// once, not retried for a day).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';
import { readmeAlert, readmeCliLines } from '../helpers/readme-blocks.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-fake.ts';
import { startDiscordFake, type DiscordFake } from '../fakes/discord-fake.ts';

const TELEGRAM_TOKEN = `6123456789:AAH${'x7Q_k-'.repeat(5)}zz`;
const CHAT = '-1009876543210';
const DISCORD = { id: '1234567890123456789', token: `dtok_${'AbC9'.repeat(10)}` };

let server: TestServer;
let telegram: TelegramFake;
let discord: DiscordFake;
const cli = (args: string[]) => runCli(args, { DATABASE_URL: server.db.url, TELEGRAM_API_BASE: telegram.apiBase, PUBLIC_URL: 'https://paper.example' });

beforeAll(async () => {
  telegram = await startTelegramFake({ tokens: [TELEGRAM_TOKEN], chats: [CHAT] });
  discord = await startDiscordFake([{ id: DISCORD.id, token: DISCORD.token }]);
  server = await startTestServer({
    TELEGRAM_API_BASE: telegram.apiBase,
    DISCORD_API_BASE: discord.apiBase,
    PUBLIC_URL: 'https://paper.example',
    NOTIFY_POLL_MS: '50',
  });
});
afterAll(async () => {
  await server?.stop();
  await telegram?.close();
  await discord?.close();
});

describe('README: from token:create to a Telegram message for a TradingView alert', () => {
  it('runs the README lines, posts its alert template, and the chat gets the trade', async () => {
    const lines = readmeCliLines('notify-commands', { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_CHAT_ID: CHAT });
    expect(lines.map((l) => l[0])).toEqual(['token:create', 'notify:add', 'notify:test']);
    const outputs: string[] = [];
    for (const argv of lines) {
      const r = await cli(argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      outputs.push(r.stdout.trim());
    }
    const botToken = outputs[0]!;
    const bot = lines[0]![lines[0]!.indexOf('--name') + 1]!;
    // notify:test reached the chat (no trade yet: a sample, linked to the bot's page).
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]!.chatId).toBe(CHAT);
    expect(outputs[2]).toMatch(/Delivered a test trade\.opened/);

    const alert = readmeAlert({
      'strategy.order.id': 'Long Entry',
      timenow: '2026-12-04T20:30:00Z',
      exchange: 'BINANCE',
      ticker: 'SOLUSDT',
      'strategy.order.action': 'buy',
      interval: '60',
      close: '142.5',
      'plot("TP")': '150',
      'plot("SL")': '138',
    });
    const posted = await fetch(`${server.url}/api/webhooks/tradingview/${botToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: alert,
    });
    expect(posted.status).toBe(201);
    const ack = (await posted.json()) as { trade_id: number };
    await waitFor(() => telegram.messages.length >= 2, 10_000, 'the Telegram message of the alert');
    const m = telegram.messages[1]!;
    expect(m.parseMode).toBe('HTML');
    expect(m.text).toContain('SOLUSDT LONG');
    expect(m.text).toContain(bot);
    expect(m.text).toMatch(/142\.5/);
    expect(m.text).toMatch(/150/);
    expect(m.text).toMatch(/138/);
    expect(JSON.stringify(m.entities)).toContain(`https://paper.example/trades/${ack.trade_id}`);
  });

  it('a Discord channel added the same way gets an embed; an unknown Telegram chat is dead-lettered at once', async () => {
    const bot = 'my-strategy';
    expect((await cli(['notify:add', bot, '--discord', `https://discord.com/api/webhooks/${DISCORD.id}/${DISCORD.token}`])).code).toBe(0);
    expect((await cli(['notify:add', bot, '--telegram-token', TELEGRAM_TOKEN, '--chat-id', '-1000000000001'])).code).toBe(0);
    const token = (await cli(['token:create', '--kind', 'bot', '--name', 'second-token-of-my-strategy'])).stdout.trim();
    expect(token.length).toBeGreaterThan(8);
    // The operator's BOT_TOKEN may name any source: a signal of my-strategy over REST.
    const r = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: bot, external_id: 'd-1', symbol: 'BNBUSDT', direction: 'SHORT', entry: 600, tp: [580, 560], sl: 615 }),
    });
    expect(r.status).toBe(201);
    await waitFor(() => discord.messages.length >= 1, 10_000, 'the Discord embed');
    const embed = (discord.messages[0]!.body.embeds as Array<{ title: string; url?: string }>)[0]!;
    expect(embed.title).toContain('BNBUSDT');
    expect(embed.url).toMatch(/^https:\/\/paper\.example\/trades\/\d+$/);
    await waitFor(async () => (await cli(['notify:dead'])).stdout.includes('chat not found'), 10_000, 'the unknown chat dead-lettered');
    const dead = await cli(['notify:dead', '--bot', bot]);
    expect(dead.stdout).toMatch(/telegram\s+\d+\s+1\s/); // one try only
    expect(dead.stdout).not.toContain(TELEGRAM_TOKEN);
  });
});
