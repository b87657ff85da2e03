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
  return tickKeySlots(symbol, market).keys;
}

/**
 * The same keys with their slots: one small number per key, never reused (a symbol cached afresh
 * gets new ones), that a per-key consumer may index an array by instead of hashing the key again on
 * every tick (the candle builder, server/candles/: benchmarks P1.candles).
 */
export interface KeySlots {
  readonly keys: readonly string[];
  readonly slots: readonly number[];
}

export function tickKeySlots(symbol: string, market: MarketType | undefined): KeySlots {
  const keys = keysOf(symbol);
  return market === undefined ? keys.both : market === 'FUTURES' ? keys.futures : keys.spot;
}

interface SymbolKeys {
  both: KeySlots;
  spot: KeySlots;
  futures: KeySlots;
}

/**
 * The per-tick path: a symbol's key lists are made once, not an array (and a string) per tick.
 * Bounded: a feed of ever-new symbols only starts the cache (and the slot numbers) afresh.
 */
const KEYS_CACHE_LIMIT = 10_000;
const cache = new Map<string, SymbolKeys>();
let nextSlot = 0;
function keysOf(symbol: string): SymbolKeys {
  let keys = cache.get(symbol);
  if (!keys) {
    if (cache.size >= KEYS_CACHE_LIMIT) cache.clear();
    const futures = symbol + FUTURES_SUFFIX;
    const spotSlot = nextSlot++;
    const futuresSlot = nextSlot++;
    keys = {
      both: { keys: [symbol, futures], slots: [spotSlot, futuresSlot] },
      spot: { keys: [symbol], slots: [spotSlot] },
      futures: { keys: [futures], slots: [futuresSlot] },
    };
    cache.set(symbol, keys);
  }
  return keys;
}
