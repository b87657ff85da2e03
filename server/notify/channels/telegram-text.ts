// A notification as a Telegram message in HTML parse mode (https://core.telegram.org/bots/api#html-style):
// only <b> and <a href>, every other character escaped, and at most 4096 characters of visible text.
import type { Notification } from '../notification.ts';
import { type MessageSummary, summarize } from './message-text.ts';

/** sendMessage's limit: "1-4096 characters after entities parsing" (https://core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_TEXT_MAX = 4096;

/** Telegram's HTML style: "<, > and & ... must be replaced with the corresponding HTML entities" (and nothing else). */
export function escapeTelegramHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** In an attribute value the closing quote must go too; &quot; is one of the four named entities the API accepts. */
const escapeAttr = (s: string): string => escapeTelegramHtml(s).replace(/"/g, '&quot;');

interface Part {
  html: string;
  /** What the reader sees (after entity parsing), measured in UTF-16 units: never less than Telegram's count. */
  visible: number;
}

const line = (label: string, value: string): Part => {
  const text = `${label}: ${value}`;
  return { html: `${escapeTelegramHtml(label)}: ${escapeTelegramHtml(value)}`, visible: text.length };
};

export function telegramHtml(s: MessageSummary): string {
  const title: Part = { html: `<b>${escapeTelegramHtml(s.title)}</b>`, visible: s.title.length };
  const linkText = 'View trade on Paperbook';
  const link: Part = { html: `<a href="${escapeAttr(s.url)}">${linkText}</a>`, visible: linkText.length };
  const body = s.lines.map((l) => line(l.label, l.value));
  // The summary's free text is already cut short; this keeps the limit even if a summary grows,
  // by dropping whole lines from the end (never cutting inside an entity).
  const total = (parts: Part[]) => parts.reduce((sum, p) => sum + p.visible, 0) + parts.length - 1;
  while (body.length > 0 && total([title, ...body, link]) > TELEGRAM_TEXT_MAX) body.pop();
  return [title, ...body, link].map((p) => p.html).join('\n');
}

export function telegramMessage(n: Notification): string {
  return telegramHtml(summarize(n));
}
