// Binance market-stream wire format: combined-stream frames `{"stream","data"}`, raw events,
// SUBSCRIBE/UNSUBSCRIBE replies and `serverShutdown`. Pure parsing; anything unexpected is
// reported as malformed, never thrown.
import { SYMBOL_PATTERN } from '../../shared/constants.ts';

export type BinanceMarket = 'spot' | 'futures';

export type BinanceFrame =
  | { kind: 'tick'; symbol: string; price: number; ts: number }
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

function parseTrade(d: Json): BinanceFrame {
  const { s, p, T, E } = d;
  if (typeof s !== 'string' || !SYMBOL_PATTERN.test(s)) return { kind: 'malformed', reason: 'bad symbol' };
  if (typeof p !== 'string' || !DECIMAL.test(p)) return { kind: 'malformed', reason: 'bad price' };
  const price = Number(p);
  if (!Number.isFinite(price) || price <= 0) return { kind: 'malformed', reason: 'bad price' };
  // Trade time; the event time only when the trade time is missing.
  const ts = typeof T === 'number' ? T : E;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) return { kind: 'malformed', reason: 'bad time' };
  return { kind: 'tick', symbol: s, price, ts };
}
