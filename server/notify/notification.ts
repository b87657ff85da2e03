// Outbound notifications (SPEC §14): what one public event tells a receiver, and the port every
// channel (webhook, Telegram, Discord) implements. Built from a committed ledger row of a public
// or unlisted bot's system trade; nothing else ever becomes a Notification.
import type { Direction, MarketType } from '../../shared/constants.ts';

export const NOTIFICATION_KINDS = ['trade.opened', 'trade.leg', 'trade.closed'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const CHANNEL_KINDS = ['webhook', 'telegram', 'discord'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The trade as the event leaves it (levels after the event: a leg may have moved the stop). */
export interface NotifiedTrade {
  id: number;
  symbol: string;
  direction: Direction;
  marketType: MarketType;
  timeframe: string | null;
  leverage: number;
  entryPrice: number;
  takeProfit: number[];
  stopLoss: number | null;
  positionSize: number;
  status: string;
}

export interface NotifiedLeg {
  /** TARGET_n / STOP / … as stored on the leg. */
  kind: string;
  price: number;
  quantity: number;
  profitLoss: number;
  /** Stop and remainder after the fill. */
  stopLoss: number | null;
  remainingQuantity: number;
  realizedProfitLoss: number;
}

export interface NotifiedClose {
  status: string;
  /** TAKE_PROFIT / STOP_LOSS / EXPIRED / CANCELLED … */
  reason: string;
  exitPrice: number | null;
  profitLoss: number;
  profitLossPercentage: number;
  fees: number;
}

export interface Notification {
  /** Idempotency key: one per event, the same on every try and every target (`pb-<deployment>-<ledger seq>`). */
  id: string;
  kind: NotificationKind;
  /** Event time, ISO 8601. */
  at: string;
  bot: string;
  botDisplayName: string | null;
  /** Absolute link to the trade page (`/trades/ID`). */
  tradeUrl: string;
  trade: NotifiedTrade;
  leg?: NotifiedLeg;
  close?: NotifiedClose;
  /** The ledger row the event is (seq and hash), so a receiver can check it against the public ledger. */
  ledger: { seq: number; hash: string };
}

export interface WebhookTarget {
  kind: 'webhook';
  url: string;
  /** HMAC-SHA256 key for X-Paperbook-Signature. */
  secret: string;
}
export interface TelegramTarget {
  kind: 'telegram';
  botToken: string;
  chatId: string;
}
export interface DiscordTarget {
  kind: 'discord';
  webhookId: string;
  webhookToken: string;
}
export type NotifyTarget = WebhookTarget | TelegramTarget | DiscordTarget;

/**
 * One try. `retry: false` = the receiver refused for good (dead-letter now); `retryAfterMs` when
 * the receiver said how long to wait (HTTP Retry-After, Telegram parameters.retry_after, Discord retry_after).
 * `status` is the HTTP status when one came back.
 */
export type DeliveryOutcome = { ok: true; status: number } | { ok: false; retry: boolean; retryAfterMs?: number; status?: number; error: string };

export interface ChannelOptions {
  /** Telegram Bot API base, default https://api.telegram.org (tests point it at a local fake). */
  telegramApiBase: string;
  /** Discord API base, default https://discord.com/api (webhooks are `${base}/webhooks/ID/TOKEN`). */
  discordApiBase: string;
  /** Per-request timeout. */
  timeoutMs: number;
}

/** The dead letter's error of a row whose target was removed while it waited (never requeued). */
export const TARGET_REMOVED = 'target removed';

export type Deliver = (n: Notification, target: NotifyTarget) => Promise<DeliveryOutcome>;
