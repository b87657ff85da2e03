// Manual trades only on symbols the running feed can price (issue 16, item 8). The feeds other than
// `simulated` have no list of what they can price (binance's exchangeInfo is not fetched; bots push
// what they like), so the rule is what the server already prices: a symbol with a fresh tick, or one
// an open system trade holds. With PRICE_FEED=binance a user can then never start an upstream
// subscription: every symbol users hold was first watched for a system trade or the benchmark.
import { symbolOfKey } from '../../shared/price-key.ts';
import { CATALOGUE_SYMBOLS } from '../feeds/market-catalogue.ts';

// Asked per price key (shared/price-key.ts): futures prices of a symbol are a market of their own.
export interface TradableDeps {
  /** PRICE_FEED. */
  feedName: string;
  /** A tick arrived within PRICE_STALE_MS (wall clock) and the key is not flagged stale. */
  hasFreshPrice(key: string): boolean;
  /** An open or pending system trade holds it. */
  hasPublicTrades(key: string): boolean;
}

export function tradableSymbols(deps: TradableDeps): (key: string) => boolean {
  if (deps.feedName === 'simulated') {
    // The simulated feed prices both markets of every catalogue symbol (its ticks name none).
    const catalogue = new Set<string>(CATALOGUE_SYMBOLS);
    return (key) => catalogue.has(symbolOfKey(key));
  }
  return (key) => deps.hasFreshPrice(key) || deps.hasPublicTrades(key);
}
