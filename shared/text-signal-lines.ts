// Line-level reading of channel text signals: normalising a line, recognising its label, reading its numbers.
// Used by text-signal.ts, which turns the classified lines into a payload.
import { roundMoney } from './trade-math.ts';

/** What a line of a channel message says; `rest` is the text after the label. */
export type LineKind =
  | { kind: 'stop'; rest: string }
  | { kind: 'target'; rest: string }
  | { kind: 'targets'; rest: string }
  | { kind: 'entry'; rest: string }
  | { kind: 'item'; rest: string }
  | { kind: 'other' };

/**
 * Lower-case ASCII form of a line: dashes and similar punctuation unified, emoji and other
 * non-ASCII symbols turned into spaces, runs of spaces collapsed, list bullets dropped.
 */
export function normalizeLine(line: string): string {
  return line
    .normalize('NFKC')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[^\x20-\x7e]/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[*•>|=_]+\s*/, '')
    .replace(/^-\s+/, '');
}

const STOP = /^(?:stop[\s-]*loss|stop|sl)\b\s*(?:price|targets?|level)?\s*[:=@-]?\s*(.*)$/;
// "TP1: 43000", "Target 2 - 44000", "T3 45000", "Take profit 1: …". The index is 1–2 digits not
// followed by another digit, so "TP 43000" is a level, not target 43.
const TARGET = /^(?:tp|t|target|take[\s-]*profit)\s*(\d{1,2})(?!\d)\s*(?:[:=).@-]\s*)?(.*)$/;
const TARGETS = /^(?:(?:sell|buy|exit)\s+)?(?:targets?|tps?|take[\s-]*profits?(?:\s*targets?)?|profit\s*targets?)\b\s*(?:targets?)?\s*[:=@-]?\s*(.*)$/;
const ENTRY =
  /^(?:entry(?:\s*(?:zone|price|point|targets?|range|area))?|entries|(?:buy|sell)\s*(?:zone|range|price|between|area)|enter(?:\s*(?:at|between|around))?|open\s*(?:price|at)?)\b\s*[:=@-]?\s*(.*)$/;
// Items of a list under a header: "1) 43000", "2. 44000", "3 - 45000", "- 46000", or a bare level.
const ITEM = /^(?:\d{1,2}\s*[).:-]\s*)?([\d.,$ ]+(?:\([^)]*\))?)$/;

export function classifyLine(norm: string): LineKind {
  let m = STOP.exec(norm);
  if (m) return { kind: 'stop', rest: m[1] ?? '' };
  m = TARGET.exec(norm);
  if (m) {
    const rest = m[2] ?? '';
    // "TP 50" with nothing after: 50 is the level, not an index.
    return rest.trim() === '' ? { kind: 'target', rest: m[1] ?? '' } : { kind: 'target', rest };
  }
  m = TARGETS.exec(norm);
  if (m) return { kind: 'targets', rest: m[1] ?? '' };
  m = ENTRY.exec(norm);
  if (m) return { kind: 'entry', rest: m[1] ?? '' };
  m = ITEM.exec(norm);
  if (m && /\d/.test(m[1] ?? '')) return { kind: 'item', rest: m[1] ?? '' };
  return { kind: 'other' };
}

export type Levels = { ok: true; values: number[] } | { ok: false; reason: string };

const NUMBER = /\d[\d,]*(?:\.\d+)?|\.\d+/g;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * Reads the price levels after a label. Accepted around the numbers: separators (space, comma,
 * `-`, `~`, `/`, `|`, `;`, "to", "and"), a `$` or quote-currency suffix, and parenthesised notes
 * such as "(5%)". Anything else ("market", "5%", "TBA") makes the line non-numeric. A comma inside
 * a number followed by exactly three digits ("42,000") is a thousands separator; otherwise a comma
 * separates levels ("1.16,1.20"). Levels are rounded to 8 decimals, as stored.
 */
export function readLevels(rest: string): Levels {
  const text = rest
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\b(?:usdt|usdc|busd|usd)\b|\$/g, ' ')
    .replace(/\b(?:to|and)\b/g, ' ')
    .trim();
  if (text === '') return { ok: false, reason: 'no price given' };
  const leftover = text.replace(NUMBER, '').replace(/[\s,~/|;-]/g, '');
  if (leftover !== '') return { ok: false, reason: `not a price: "${rest.trim()}"` };
  const values: number[] = [];
  for (const token of text.match(NUMBER) ?? []) {
    const parts = THOUSANDS.test(token) ? [token.replace(/,/g, '')] : token.split(',').filter((p) => p !== '');
    for (const p of parts) {
      // Rounded as stored (8 decimals), so the ordering checked here is the ordering kept.
      const v = roundMoney(Number(p));
      if (!Number.isFinite(v) || v <= 0) return { ok: false, reason: `not a positive price: "${p}"` };
      values.push(v);
    }
  }
  return values.length > 0 ? { ok: true, values } : { ok: false, reason: 'no price given' };
}

const QUOTES = 'USDT|USDC|BUSD|FDUSD|TUSD|USD|BTC|ETH|BNB|EUR|TRY|DAI';
const PAIR_LABELLED = /^(?:pair|coin|symbol|asset|ticker)\s*[:=-]?\s*#?\$?([A-Z0-9]{2,15})\s*(?:[/\-_:]?\s*([A-Z0-9]{2,6}))?\b/;
const PAIR_SPLIT = new RegExp(`(?:^|[^A-Z0-9])#?\\$?([A-Z0-9]{2,15})\\s*[/\\-_:]\\s*(${QUOTES})(?![A-Z0-9])`);
const PAIR_JOINED = new RegExp(`(?:^|[^A-Z0-9])#?\\$?([A-Z0-9]{1,15}?)(${QUOTES})(?:\\.P|PERP)?(?![A-Z0-9])`);

/** The trading pair a line names, as the payload's symbol ("BTCUSDT"), or null. */
export function findPair(line: string): string | null {
  const up = line
    .normalize('NFKC')
    .replace(/[^\x20-\x7e]/g, ' ')
    .toUpperCase()
    .trim();
  const labelled = PAIR_LABELLED.exec(up);
  if (labelled) {
    const base = labelled[1] ?? '';
    const quote = labelled[2] ?? '';
    if (quote !== '') return base + quote;
    const joined = PAIR_JOINED.exec(base);
    if (joined) return base;
  }
  const split = PAIR_SPLIT.exec(up);
  if (split) return (split[1] ?? '') + (split[2] ?? '');
  const joined = PAIR_JOINED.exec(up);
  if (joined && (joined[1] ?? '') !== '') return (joined[1] ?? '') + (joined[2] ?? '');
  return null;
}

/**
 * LONG/SHORT words on a line (BUY means LONG, SELL means SHORT). Not on target and stop lines:
 * there the word names the closing order ("Sell targets" in a spot buy signal), not the side.
 */
export function directionWords(norm: string, kind: LineKind['kind']): ('LONG' | 'SHORT')[] {
  if (kind === 'stop' || kind === 'target' || kind === 'targets') return [];
  const found: ('LONG' | 'SHORT')[] = [];
  for (const m of norm.matchAll(/\b(long|buy|short|sell)\b/g)) found.push(m[1] === 'long' || m[1] === 'buy' ? 'LONG' : 'SHORT');
  return found;
}

/** The leverage a line gives ("Leverage: 10x", "Cross 20x", "10x isolated", "Lev 5"), as written. */
export function findLeverage(norm: string): string | null {
  const m =
    /\b(?:leverage|lev)\b\s*[:=-]?\s*(?:(?:cross|isolated|isol)\s*)?\(?\s*(\d+(?:\.\d+)?)/.exec(norm) ??
    /\b(?:cross|isolated)\b\s*(?:margin\s*)?[:-]?\s*(\d+(?:\.\d+)?)\s*x\b/.exec(norm) ??
    /\b(\d+(?:\.\d+)?)\s*x\s*(?:\(?\s*(?:cross|isolated))/.exec(norm) ??
    /\b(?:leverage|lev)\b\s*[:=-]?\s*(\S+)/.exec(norm);
  return m ? (m[1] ?? null) : null;
}
