// Where each market's data is (SPEC §10). Overrides are bases (`wss://host[:port]`) and the feed
// adds the documented path; a URL that already has a path is used as given (a proxy, the testnet).
// USDⓈ-M futures market data (aggTrade included) is served only under `/market` since 2026-04-23:
// the old `/stream` still acknowledges SUBSCRIBE and then sends nothing.
import type { BinanceMarket } from './binance-messages.ts';

export const BINANCE_BASES: Record<BinanceMarket, string> = {
  spot: 'wss://stream.binance.com:9443',
  futures: 'wss://fstream.binance.com',
};

export const COMBINED_STREAM_PATH: Record<BinanceMarket, string> = {
  spot: '/stream',
  futures: '/market/stream',
};

/** `wss://host[:port]` → documented combined-stream endpoint; a URL with a path is kept. */
export function streamEndpoint(market: BinanceMarket, base: string = BINANCE_BASES[market]): string {
  const m = /^(wss?:\/\/[^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/.exec(base.trim());
  if (!m) throw new Error(`not a ws:// or wss:// URL: ${base}`);
  const path = (m[2] ?? '').replace(/\/+$/, '');
  return path === '' ? `${m[1]}${COMBINED_STREAM_PATH[market]}${m[3] ?? ''}` : base.trim();
}

/** True for a futures URL on a path Binance no longer streams market data on. */
export function isLegacyFuturesPath(url: string): boolean {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  return /^\/(stream|ws)(\/|$)/.test(path);
}
