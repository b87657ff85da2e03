// Parses the common channel text format (SPEC §9 "Text signals") into the signal payload shape,
// or refuses it naming the field and the 1-based line that failed. Pure; not yet wired to ingest.
//
// Rules (decided from what Telegram/Cornix-style channels write):
// - Case, spacing, emoji, bullets and unrecognised lines ("Exchange: Binance Futures", "🔥 VIP") are ignored.
// - Pair: the first line naming one, with a separator (`BTC/USDT`, `BTC-USDT`, `#BTC_USDT`) or
//   joined with a known quote (`BTCUSDT`, `1000PEPEUSDT`, `ETHBTC`); a second, different pair is refused.
// - Direction: LONG/BUY or SHORT/SELL anywhere (also "Buy zone", "Signal type: Regular (Long)");
//   words for both directions are refused, as is none.
// - Entry: one level, a zone (`42000 - 41500`) or a list (Cornix "Entry Targets:" then `1) …`): the
//   entry is the mean of the levels written, rounded to 8 decimals — what an order spread evenly
//   over the zone fills at (the midpoint for a two-level zone).
// - Targets: `Targets: 1 2 3`, a header followed by `1) …` items, or `TP1:`/`Target 1`/`T1`/`TP:`
//   lines, in the order written; 1–10, strictly moving away from entry (LONG ascending above,
//   SHORT descending below). One target gives `tp` as a number, several an array.
// - Stop: `Stop`/`SL`/`Stop loss`, one level; a percentage or a word ("5%", "TBA") is refused.
// - Leverage: `Leverage: 10x`, `Cross 10x`, `10x isolated`, `Lev 5` (a range `5x-10x`: the first,
//   the lower risk). Market type is FUTURES when a leverage is given or the words futures, perp,
//   perpetual, USDT-M appear; otherwise it is left out (the schema's default, SPOT). A leverage
//   on a message that says "spot" is refused.
import { ERROR_CODES, MAX_LEVERAGE, SYMBOL_PATTERN } from './constants.ts';
import type { Direction } from './constants.ts';
import { MAX_TARGETS } from './leg-math.ts';
import type { ApiError } from './protocol-types.ts';
import { roundMoney } from './trade-math.ts';
import type { LineKind } from './text-signal-lines.ts';
import { classifyLine, directionWords, findLeverage, findPair, normalizeLine, readLevels } from './text-signal-lines.ts';

/** The payload a text signal becomes: the fields of SignalInput, with `tp` as one level or a list. */
export interface TextSignalPayload {
  symbol: string;
  direction: Direction;
  entry: number;
  tp: number | number[];
  sl: number;
  market_type?: 'FUTURES';
  leverage?: number;
}

export type TextSignalField = 'symbol' | 'direction' | 'entry' | 'tp' | 'sl' | 'leverage' | 'text';

/** A refusal: the wire error shape plus the failing line (1-based) and its text. */
export interface TextSignalError extends ApiError {
  code: typeof ERROR_CODES.VALIDATION_ERROR;
  field: TextSignalField;
  line: number;
  line_text: string;
}

export type TextSignalResult = { ok: true; value: TextSignalPayload } | { ok: false; error: TextSignalError };

/** Longest message read (a channel post is far shorter; this bounds the work per request). */
export const MAX_TEXT_SIGNAL_LENGTH = 4_000;

class Refusal extends Error {
  constructor(
    readonly field: TextSignalField,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface Found {
  value: number[];
  line: number;
}

interface Collected {
  pair?: { symbol: string; line: number };
  direction?: { value: Direction; line: number };
  entry?: Found;
  targets: Found[];
  stop?: Found;
  leverage?: { raw: string; line: number };
  futures: boolean;
  spot: boolean;
}

function levelsOrRefuse(field: TextSignalField, rest: string, line: number): number[] {
  const r = readLevels(rest);
  if (!r.ok) throw new Refusal(field, line, r.reason);
  return r.values;
}

function noteDirection(c: Collected, norm: string, kind: LineKind['kind'], line: number): void {
  for (const d of directionWords(norm, kind)) {
    if (c.direction && c.direction.value !== d) {
      throw new Refusal('direction', line, `both ${c.direction.value} (line ${c.direction.line}) and ${d}`);
    }
    c.direction ??= { value: d, line };
  }
}

function collect(lines: readonly string[]): Collected {
  const c: Collected = { targets: [], futures: false, spot: false };
  let list: 'entry' | 'tp' | 'sl' | null = null; // the header whose `1) …` items follow
  lines.forEach((raw, i) => {
    const n = i + 1;
    const norm = normalizeLine(raw);
    if (norm === '') return;
    const kind = classifyLine(norm);
    noteDirection(c, norm, kind.kind, n);
    if (/\b(?:futures?|perp|perpetual|usdt-m|usd-m)\b/.test(norm)) c.futures = true;
    if (/\bspot\b/.test(norm)) c.spot = true;
    const lev = findLeverage(norm);
    if (lev !== null) {
      if (c.leverage) throw new Refusal('leverage', n, `a second leverage (first on line ${c.leverage.line})`);
      c.leverage = { raw: lev, line: n };
    }
    if (kind.kind === 'item' && list !== null) {
      const values = levelsOrRefuse(list, kind.rest, n);
      if (list === 'tp') c.targets.push({ value: values, line: n });
      else if (list === 'entry' && c.entry) c.entry.value.push(...values);
      else if (c.stop) {
        c.stop.value.push(...values);
        if (c.stop.value.length !== 1) throw new Refusal('sl', n, 'one stop level expected');
      }
      return;
    }
    list = null;
    switch (kind.kind) {
      case 'stop':
        if (c.stop) throw new Refusal('sl', n, `a second stop (first on line ${c.stop.line})`);
        // Cornix writes "Stop Targets:" and the level on the next line, as a list item.
        c.stop = { value: kind.rest.trim() === '' ? [] : levelsOrRefuse('sl', kind.rest, n), line: n };
        if (c.stop.value.length > 1) throw new Refusal('sl', n, 'one stop level expected');
        list = 'sl';
        return;
      case 'target':
        c.targets.push({ value: levelsOrRefuse('tp', kind.rest, n), line: n });
        return;
      case 'targets':
      case 'entry': {
        const field = kind.kind === 'entry' ? 'entry' : 'tp';
        if (field === 'entry' && c.entry) throw new Refusal('entry', n, `a second entry (first on line ${c.entry.line})`);
        const values = kind.rest.trim() === '' ? [] : levelsOrRefuse(field, kind.rest, n);
        if (field === 'entry') c.entry = { value: values, line: n };
        else if (values.length > 0) c.targets.push({ value: values, line: n });
        list = field;
        return;
      }
      default: {
        const symbol = findPair(raw);
        if (symbol === null) return;
        if (c.pair && c.pair.symbol !== symbol) throw new Refusal('symbol', n, `a second pair ${symbol} (first ${c.pair.symbol} on line ${c.pair.line})`);
        c.pair ??= { symbol, line: n };
      }
    }
  });
  return c;
}

function checkTargets(direction: Direction, entry: number, targets: readonly Found[]): number[] {
  const levels: number[] = [];
  for (const t of targets) {
    for (const v of t.value) {
      const prev = levels.length > 0 ? (levels[levels.length - 1] ?? entry) : entry;
      const what = levels.length > 0 ? `target ${levels.length}` : 'entry';
      if (direction === 'LONG' ? !(v > prev) : !(v < prev)) {
        const side = direction === 'LONG' ? 'above' : 'below';
        throw new Refusal('tp', t.line, `${direction} targets must each be ${side} the ${what} (${prev}); got ${v}`);
      }
      levels.push(v);
      if (levels.length > MAX_TARGETS) throw new Refusal('tp', t.line, `at most ${MAX_TARGETS} targets`);
    }
  }
  return levels;
}

function checkLeverage(c: Collected): number | undefined {
  if (!c.leverage) return undefined;
  const { raw, line } = c.leverage;
  const v = Number(raw);
  // "10.0X" (Cornix) is a whole number; "2.5x" is not a leverage an exchange offers.
  if (!/^\d+(?:\.0+)?$/.test(raw) || v < 1 || v > MAX_LEVERAGE)
    throw new Refusal('leverage', line, `leverage must be a whole number 1..${MAX_LEVERAGE}x; got "${raw}"`);
  if (c.spot && v > 1) throw new Refusal('leverage', line, 'a leverage above 1 on a spot signal');
  return v;
}

function build(c: Collected): TextSignalPayload {
  const header = c.pair?.line ?? 1;
  if (!c.pair) throw new Refusal('symbol', 1, 'no pair found (e.g. "BTC/USDT" or "BTCUSDT")');
  if (!SYMBOL_PATTERN.test(c.pair.symbol)) throw new Refusal('symbol', c.pair.line, `pair ${c.pair.symbol} is not 2-20 letters or digits`);
  if (!c.direction) throw new Refusal('direction', header, 'no direction found (LONG/SHORT or BUY/SELL)');
  if (!c.entry || c.entry.value.length === 0) throw new Refusal('entry', c.entry?.line ?? header, 'no entry found (e.g. "Entry: 42000")');
  if (c.targets.length === 0) throw new Refusal('tp', header, 'no targets found (e.g. "Targets: 43000 44000" or "TP1: 43000")');
  if (!c.stop) throw new Refusal('sl', header, 'no stop found (e.g. "Stop: 41000" or "SL: 41000")');
  if (c.stop.value.length === 0) throw new Refusal('sl', c.stop.line, 'no stop level given');
  const direction = c.direction.value;
  const entry = roundMoney(c.entry.value.reduce((a, v) => a + v, 0) / c.entry.value.length);
  const tps = checkTargets(direction, entry, c.targets);
  const sl = c.stop.value[0] ?? 0;
  if (direction === 'LONG' ? !(sl < entry) : !(sl > entry)) {
    throw new Refusal('sl', c.stop.line, `${direction} needs the stop ${direction === 'LONG' ? 'below' : 'above'} the entry (${entry}); got ${sl}`);
  }
  const leverage = checkLeverage(c);
  const futures = leverage !== undefined || (c.futures && !c.spot);
  return {
    symbol: c.pair.symbol,
    direction,
    entry,
    tp: tps.length === 1 ? (tps[0] ?? 0) : tps,
    sl,
    ...(futures ? { market_type: 'FUTURES' as const } : {}),
    ...(leverage !== undefined ? { leverage } : {}),
  };
}

/** Parses one channel message. Bad input is never thrown: every refusal is a returned TextSignalError. */
export function parseTextSignal(text: string): TextSignalResult {
  const lines = text.split(/\r\n|\r|\n/);
  try {
    if (text.length > MAX_TEXT_SIGNAL_LENGTH) throw new Refusal('text', 1, `message longer than ${MAX_TEXT_SIGNAL_LENGTH} characters`);
    return { ok: true, value: build(collect(lines)) };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    const lineText = (lines[e.line - 1] ?? '').trim();
    return {
      ok: false,
      error: { code: ERROR_CODES.VALIDATION_ERROR, message: `${e.field}: line ${e.line}: ${e.message}`, field: e.field, line: e.line, line_text: lineText },
    };
  }
}
