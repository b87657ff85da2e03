// The `Deliver` port's implementation: one try on the target's channel, each request with its own timeout.
// A channel never throws; a throw here is a bug in our formatting, so it is reported as final, not retried.
import type { ChannelOptions, Deliver, DeliveryOutcome, Notification, NotifyTarget } from '../notification.ts';
import { deliverDiscord } from './discord-channel.ts';
import { type FetchLike, redact } from './http-outcome.ts';
import { deliverTelegram } from './telegram-channel.ts';
import { deliverWebhook } from './webhook-channel.ts';

const secretsOf = (t: NotifyTarget): string[] => (t.kind === 'webhook' ? [t.secret] : t.kind === 'telegram' ? [t.botToken] : [t.webhookToken]);

export function createDeliver(opts: ChannelOptions, fetchImpl: FetchLike = fetch): Deliver {
  const http = { fetch: fetchImpl, timeoutMs: opts.timeoutMs };
  const one = (n: Notification, target: NotifyTarget): Promise<DeliveryOutcome> => {
    switch (target.kind) {
      case 'webhook':
        return deliverWebhook(n, target, http);
      case 'telegram':
        return deliverTelegram(n, target, http, opts.telegramApiBase);
      case 'discord':
        return deliverDiscord(n, target, http, opts.discordApiBase);
    }
  };
  return async (n, target) => {
    try {
      return await one(n, target);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, retry: false, error: redact(`internal error formatting ${target.kind} delivery: ${message}`, secretsOf(target)) };
    }
  };
}
