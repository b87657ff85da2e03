// A notification target as the operator gives it (`notify:add`), checked once, and how it is shown
// back: never with its secret (a webhook's HMAC key, a Telegram bot token, a Discord webhook token).
import { randomBytes } from 'node:crypto';
import type { NotifyTarget } from './notification.ts';

export class TargetInputError extends Error {}

/** Telegram bot tokens are `<bot id>:<secret>` (Bot API docs, "Authorizing your bot"). */
const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,64}$/;
/** A chat's numeric id (negative for groups and channels) or a public channel's @username. */
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;
/** Discord webhook URLs end in `/webhooks/<snowflake id>/<token>`. */
const DISCORD_WEBHOOK = /\/webhooks\/(\d{15,25})\/([A-Za-z0-9_-]{20,100})\/?$/;

export function webhookTarget(url: string, secret?: string): { target: NotifyTarget; generatedSecret: string | null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TargetInputError(`--webhook must be an http(s) URL, got "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TargetInputError(`--webhook must be an http(s) URL, got "${url}"`);
  if (u.username || u.password) throw new TargetInputError('--webhook must not carry credentials; the receiver checks X-Paperbook-Signature instead');
  if (secret !== undefined && secret.length < 16) throw new TargetInputError('--secret must be at least 16 characters');
  const generated = secret === undefined ? randomBytes(32).toString('hex') : null;
  return { target: { kind: 'webhook', url: u.href, secret: secret ?? generated! }, generatedSecret: generated };
}

export function telegramTarget(botToken: string, chatId: string): NotifyTarget {
  if (!TELEGRAM_TOKEN.test(botToken)) throw new TargetInputError('--telegram-token must be a bot token like 123456789:AA… (from @BotFather)');
  if (!TELEGRAM_CHAT.test(chatId)) throw new TargetInputError(`--chat-id must be a numeric chat id or an @channelname, got "${chatId}"`);
  return { kind: 'telegram', botToken, chatId };
}

export function discordTarget(webhookUrl: string): NotifyTarget {
  const m = DISCORD_WEBHOOK.exec(webhookUrl.split('?')[0] ?? '');
  if (!m) throw new TargetInputError('--discord must be a webhook URL like https://discord.com/api/webhooks/ID/TOKEN');
  return { kind: 'discord', webhookId: m[1]!, webhookToken: m[2]! };
}

/** Where a target sends, with its secret left out. */
export function describeTarget(t: NotifyTarget): string {
  switch (t.kind) {
    case 'webhook': {
      const u = new URL(t.url);
      return `${u.origin}${u.pathname}`;
    }
    case 'telegram':
      return `chat ${t.chatId} via bot ${t.botToken.split(':')[0]}`;
    case 'discord':
      return `webhook ${t.webhookId}`;
  }
}
