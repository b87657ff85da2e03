// A notification as one Discord embed within the documented embed limits
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). Discord renders
// markdown in embed text, so a bot's own text is escaped; mentions are off in the request itself.
import type { Notification } from '../notification.ts';
import { clip, type MessageSummary, summarize, type Tone } from './message-text.ts';

export const EMBED_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;
/** Execute Webhook `username`: webhook names are 1–80 characters and may not contain "discord" or "clyde". */
const USERNAME_MAX = 80;

const COLORS: Record<Tone, number> = { open: 0x3b82f6, up: 0x16a34a, down: 0xdc2626, flat: 0x6b7280 };

export interface DiscordEmbed {
  title: string;
  description?: string;
  url?: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
  footer: { text: string };
}

/**
 * Backslash-escapes Discord markdown in text: emphasis, code, spoilers, quotes and headings, links
 * (`[` `]`) and the `<…>` of mentions, emoji and timestamps. Parentheses and dashes only act after
 * those, so they stay as they are and cost no length.
 */
export function escapeDiscordMarkdown(s: string): string {
  return s.replace(/[\\*_~`|<>[\]#]/g, '\\$&');
}

/**
 * Escape, then cut to `max` characters: cutting first could leave a lone backslash that escapes the "…".
 * Discord trims surrounding whitespace before counting, and an empty value is refused, hence "—".
 */
function fit(s: string, max: number): string {
  const out = clip(escapeDiscordMarkdown(s).trim(), max).replace(/(^|[^\\])((?:\\\\)*)\\…$/, '$1$2…');
  return out.length === 0 ? '—' : out;
}

const isHttpUrl = (u: string): boolean => /^https?:\/\/\S+$/.test(u) && URL.canParse(u);

const count = (s: string | undefined): number => (s === undefined ? 0 : Array.from(s.trim()).length);

export function embedSize(e: DiscordEmbed): number {
  return count(e.title) + count(e.description) + count(e.footer.text) + e.fields.reduce((sum, f) => sum + count(f.name) + count(f.value), 0);
}

export function discordEmbed(s: MessageSummary, n: Notification): DiscordEmbed {
  const embed: DiscordEmbed = {
    title: fit(s.title, EMBED_LIMITS.title),
    // Discord refuses the whole message for a malformed url, so a misconfigured base URL only loses the link.
    ...(isHttpUrl(s.url) ? { url: s.url } : {}),
    color: COLORS[s.tone],
    fields: s.lines.slice(0, EMBED_LIMITS.fields).map((l) => ({
      name: fit(l.label, EMBED_LIMITS.fieldName),
      value: fit(l.value, EMBED_LIMITS.fieldValue),
      inline: l.label !== 'Bot' && l.value.length <= 40,
    })),
    timestamp: n.at,
    footer: { text: clip(`Paperbook · trade #${n.trade.id} · ledger #${n.ledger.seq}`, EMBED_LIMITS.footer) },
  };
  // The summary's free text is short already; this holds the 6000 total if a summary ever grows.
  while (embed.fields.length > 0 && embedSize(embed) > EMBED_LIMITS.total) embed.fields.pop();
  return embed;
}

/** The display name to post as, or undefined (the webhook's own name) when Discord would refuse it. */
export function discordUsername(n: Notification): string | undefined {
  const name = (n.botDisplayName ?? n.bot).replace(/\s+/g, ' ').trim();
  const lower = name.toLowerCase();
  // https://discord.com/developers/docs/resources/webhook#create-webhook and …/user#usernames-and-nicknames
  if (name.length === 0 || /discord|clyde|[@#:]|```/.test(lower) || lower === 'everyone' || lower === 'here') return undefined;
  return clip(name, USERNAME_MAX);
}

export function discordMessage(n: Notification): Record<string, unknown> {
  const username = discordUsername(n);
  return {
    ...(username === undefined ? {} : { username }),
    embeds: [discordEmbed(summarize(n), n)],
    // Nothing a bot named itself can ping anyone.
    allowed_mentions: { parse: [] },
  };
}
