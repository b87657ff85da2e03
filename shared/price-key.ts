// The one place a trade's price key is made (SPEC §10): prices are kept per market, so the book,
// engine, streams, page and widget key them by this string. SPOT keeps the bare symbol (public
// `prices` stay keyed by symbol); FUTURES adds `.P`, which cannot occur in a symbol (^[A-Z0-9]{2,20}$).
import type { MarketType } from './constants.ts';

export const FUTURES_SUFFIX = '.P';

export function priceKey(symbol: string, market: MarketType): string {
  return market === 'FUTURES' ? symbol + FUTURES_SUFFIX : symbol;
}

/** The price key of a trade in wire form. */
export function tradePriceKey(t: { symbol: string; market_type: MarketType }): string {
  return priceKey(t.symbol, t.market_type);
}

export function marketOfKey(key: string): MarketType {
  return key.endsWith(FUTURES_SUFFIX) ? 'FUTURES' : 'SPOT';
}

export function symbolOfKey(key: string): string {
  return key.endsWith(FUTURES_SUFFIX) ? key.slice(0, -FUTURES_SUFFIX.length) : key;
}

/**
 * The keys one tick prices: its market's key, or both when it names none (bot feed, replay,
 * simulated: one price for the symbol, as before markets were told apart).
 */
export function tickKeys(symbol: string, market: MarketType | undefined): readonly string[] {
  return market === undefined ? [symbol, symbol + FUTURES_SUFFIX] : [priceKey(symbol, market)];
}
