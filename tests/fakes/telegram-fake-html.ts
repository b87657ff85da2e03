// The Bot API's HTML parse mode as its documentation states it, for the Telegram fake:
// https://core.telegram.org/bots/api#html-style (supported tags, "<, > and & ... must be replaced",
// numeric entities and only &lt; &gt; &amp; &quot; by name). Error texts follow the phrasing the
// real API returns after "Bad Request: can't parse entities: " (TDLib's HTML parser).

export interface TelegramEntity {
  type: string;
  /** UTF-16 code units, as the Bot API counts entity offsets (https://core.telegram.org/bots/api#messageentity). */
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type ParsedHtml = { ok: true; text: string; entities: TelegramEntity[] } | { ok: false; error: string };

/** Tag → entity type, per the HTML style section (b, strong, i, em, u, ins, s, strike, del, span.tg-spoiler, tg-spoiler, a, tg-emoji, code, pre, blockquote). */
const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  'tg-emoji': 'custom_emoji',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  start: number;
  attrs: Record<string, string>;
}

const byteOffset = (s: string, index: number): number => Buffer.byteLength(s.slice(0, index), 'utf8');

/** Decodes `&...;` at `i`, or returns null (the API then keeps the `&` as a character). */
function entityAt(s: string, i: number): { char: string; end: number } | null {
  const m = /^&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/.exec(s.slice(i, i + 12));
  if (!m || !m[1]) return null;
  const name = m[1];
  let char: string | undefined;
  if (name.startsWith('#x')) char = safeCodePoint(parseInt(name.slice(2), 16));
  else if (name.startsWith('#')) char = safeCodePoint(parseInt(name.slice(1), 10));
  else char = NAMED[name];
  return char === undefined ? null : { char, end: i + m[0].length };
}

function safeCodePoint(n: number): string | undefined {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

function parseAttrs(s: string, from: number): { attrs: Record<string, string>; end: number } | null {
  const attrs: Record<string, string> = {};
  let i = from;
  for (;;) {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
    if (i >= s.length) return null;
    if (s[i] === '>') return { attrs, end: i + 1 };
    const name = /^[a-zA-Z][a-zA-Z0-9_-]*/.exec(s.slice(i))?.[0];
    if (!name) return null;
    i += name.length;
    let value = '';
    if (s[i] === '=') {
      i++;
      const q = s[i];
      if (q === '"' || q === "'") {
        const close = s.indexOf(q, i + 1);
        if (close < 0) return null;
        value = decodeAttr(s.slice(i + 1, close));
        i = close + 1;
      } else {
        const raw = /^[^\s>]*/.exec(s.slice(i))?.[0] ?? '';
        value = decodeAttr(raw);
        i += raw.length;
      }
    }
    attrs[name.toLowerCase()] = value;
  }
}

function decodeAttr(v: string): string {
  let out = '';
  for (let i = 0; i < v.length;) {
    const e = v[i] === '&' ? entityAt(v, i) : null;
    if (e) {
      out += e.char;
      i = e.end;
    } else out += v[i++];
  }
  return out;
}

function entityFor(o: Open, end: number): TelegramEntity | string {
  const type = TAGS[o.tag] ?? o.tag;
  const base = { offset: o.start, length: end - o.start };
  if (o.tag === 'a') return o.attrs.href ? { type, ...base, url: o.attrs.href } : 'no-entity';
  if (o.tag === 'tg-emoji') return { type, ...base, custom_emoji_id: o.attrs['emoji-id'] ?? '' };
  if (o.tag === 'blockquote') return { type: 'expandable' in o.attrs ? 'expandable_blockquote' : 'blockquote', ...base };
  if (o.tag === 'code' && o.attrs.class?.startsWith('language-')) return { type, ...base, language: o.attrs.class.slice('language-'.length) };
  return { type, ...base };
}

/** Checks a start tag's attributes against what the docs allow; an error text, or null. */
function tagProblem(tag: string, attrs: Record<string, string>, at: number): string | null {
  if (tag === 'span' && attrs.class !== 'tg-spoiler') return `Tag "span" must have class "tg-spoiler" at byte offset ${at}`;
  if (tag === 'tg-emoji' && !/^\d+$/.test(attrs['emoji-id'] ?? '')) return `Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${at}`;
  return null;
}

export function parseTelegramHtml(s: string): ParsedHtml {
  let text = '';
  const entities: TelegramEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '&') {
      const e = entityAt(s, i);
      text += e ? e.char : '&';
      i = e ? e.end : i + 1;
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const at = byteOffset(s, i);
    if (s[i + 1] === '/') {
      const close = s.indexOf('>', i);
      if (close < 0) return { ok: false, error: `Unclosed end tag at byte offset ${at}` };
      const name = s
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const open = stack.pop();
      if (!open) return { ok: false, error: `Unexpected end tag at byte offset ${at}` };
      if (open.tag !== name) return { ok: false, error: `Unmatched end tag at byte offset ${at}, expected "</${open.tag}>", found "</${name}>"` };
      const ent = entityFor(open, text.length);
      if (typeof ent !== 'string' && ent.length > 0) {
        // "Use nested pre and code tags, to define programming language for pre entity": one pre entity.
        const inner = open.tag === 'pre' ? entities.findIndex((e) => e.type === 'code' && e.offset === ent.offset && e.length === ent.length) : -1;
        if (inner >= 0) {
          const language = entities[inner]?.language;
          entities.splice(inner, 1);
          if (language) ent.language = language;
        }
        entities.push(ent);
      }
      i = close + 1;
      continue;
    }
    const tag = /^[a-zA-Z0-9-]*/.exec(s.slice(i + 1))?.[0].toLowerCase() ?? '';
    if (i + 1 + tag.length >= s.length) return { ok: false, error: `Unclosed start tag at byte offset ${at}` };
    if (!(tag in TAGS)) return { ok: false, error: `Unsupported start tag "${tag}" at byte offset ${at}` };
    const parsed = parseAttrs(s, i + 1 + tag.length);
    if (!parsed) return { ok: false, error: `Unclosed start tag at byte offset ${at}` };
    const problem = tagProblem(tag, parsed.attrs, at);
    if (problem) return { ok: false, error: problem };
    // "blockquote and expandable_blockquote entities can't be nested" (the formatting options section).
    if (tag === 'blockquote' && stack.some((o) => o.tag === 'blockquote'))
      return { ok: false, error: `Blockquote entities can't be nested at byte offset ${at}` };
    stack.push({ tag, start: text.length, attrs: parsed.attrs });
    i = parsed.end;
  }
  const unclosed = stack.pop();
  if (unclosed) return { ok: false, error: `Can't find end tag corresponding to start tag "${unclosed.tag}"` };
  return { ok: true, text, entities: entities.sort((a, b) => a.offset - b.offset) };
}
