// Binance market-stream wire format: combined-stream frames `{"stream","data"}`, raw events,
// SUBSCRIBE/UNSUBSCRIBE replies and `serverShutdown`. Pure parsing; anything unexpected is
// reported as malformed, never thrown.
import { SYMBOL_PATTERN } from '../../shared/constants.ts';

export type BinanceMarket = 'spot' | 'futures';

export type BinanceFrame =
  | { kind: 'tick'; symbol: string; price: number; ts: number; aggId?: number }
  | { kind: 'reply'; id: unknown; error?: { code?: unknown; msg?: unknown } }
  | { kind: 'shutdown' }
  | { kind: 'malformed'; reason: string };

/** The stream a symbol's trades come on: lower-case, as Binance requires. */
export function aggTradeStream(symbol: string): string {
  return `${symbol.toLowerCase()}@aggTrade`;
}

export interface ControlMessage {
  method: 'SUBSCRIBE' | 'UNSUBSCRIBE';
  params: string[];
  id: number;
}

const DECIMAL = /^\d+(\.\d+)?$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBinanceFrame(text: string): BinanceFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (!isObject(msg)) return { kind: 'malformed', reason: 'not an object' };
  if ('id' in msg && ('result' in msg || 'error' in msg)) {
    return isObject(msg.error) ? { kind: 'reply', id: msg.id, error: msg.error } : { kind: 'reply', id: msg.id };
  }
  const data = 'stream' in msg ? msg.data : msg;
  if (!isObject(data)) return { kind: 'malformed', reason: 'no event payload' };
  switch (data.e) {
    case 'aggTrade':
    case 'trade':
      return parseTrade(data);
    case 'serverShutdown':
      return { kind: 'shutdown' };
    default:
      return { kind: 'malformed', reason: `unknown event ${JSON.stringify(data.e)?.slice(0, 40)}` };
  }
}

/** Epoch milliseconds below this are before 2286; a larger value is read as microseconds. */
const MS_LIMIT = 1e13;
/** Microseconds up to 2286; anything larger (nanoseconds?) is refused. */
const US_LIMIT = 1e16;
/** Microseconds before 2001-09 would look like this: too ambiguous to guess, so refused. */
const US_FLOOR = 1e15;

/**
 * Binance sends milliseconds by default and microseconds with `timeUnit=MICROSECOND` (and in some
 * newer streams and files): convert microseconds, refuse what is neither, never read µs as ms.
 */
export function toEpochMs(t: number): number | null {
  if (!Number.isSafeInteger(t) || t <= 0) return null;
  if (t < MS_LIMIT) return t;
  if (t >= US_FLOOR && t < US_LIMIT) return Math.floor(t / 1000);
  return null;
}

function parseTrade(d: Json): BinanceFrame {
  const { s, p, T, E, a } = d;
  if (typeof s !== 'string' || !SYMBOL_PATTERN.test(s)) return { kind: 'malformed', reason: 'bad symbol' };
  if (typeof p !== 'string' || !DECIMAL.test(p)) return { kind: 'malformed', reason: 'bad price' };
  const price = Number(p);
  if (!Number.isFinite(price) || price <= 0) return { kind: 'malformed', reason: 'bad price' };
  // Trade time; the event time only when the trade time is missing.
  const raw = typeof T === 'number' ? T : E;
  const ts = typeof raw === 'number' ? toEpochMs(raw) : null;
  if (ts === null) return { kind: 'malformed', reason: 'bad time' };
  // The aggregate-trade id deduplicates across the two sockets of a rotation.
  if (d.e === 'aggTrade' && typeof a === 'number' && Number.isSafeInteger(a)) return { kind: 'tick', symbol: s, price, ts, aggId: a };
  return { kind: 'tick', symbol: s, price, ts };
}
