// The PriceFeed port: adapters (simulated, binance, bot, replay) push ticks into a sink, in arrival order.
import type { MarketType } from '../../shared/constants.ts';

export interface PriceSink {
  /**
   * `market` names the market the price is from (binance: its connection's); none prices both
   * markets of the symbol (bot without a market, replay, simulated), as SPEC §10 says.
   */
  tick(symbol: string, price: number, ts: number, market?: MarketType): void;
}

export interface PriceFeed {
  readonly name: string;
  start(sink: PriceSink): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Symbols that have open or pending trades; feeds that subscribe per symbol follow this set. */
  watch?(symbols: ReadonlySet<string>): void;
}

/** A connection-level problem of a feed (not one stale symbol): e.g. every stream silent. */
export interface FeedFault {
  market: string;
  /** Short, symbol-free reason. */
  reason: string;
  /** Price keys (shared/price-key.ts) carried by the faulty connection: filter before counting on a public surface. */
  symbols: string[];
}

/** Optional typed health of a feed, for `/readyz`, feed health and `/metrics` (binance has it). */
export interface FeedHealthReport {
  /** Every fault in one line (symbol-free), or null. */
  fault: string | null;
  faults: FeedFault[];
  /** Price keys whose subscription the upstream refused and that are waiting for a retry. */
  refusedSubscriptions: string[];
  /** Open upstream connections. */
  connections: number;
  /** Epoch ms until which a 429/418 holds every new connection back; null if none. */
  retryAfterUntil: number | null;
  /** The configured futures endpoint is a path Binance no longer streams market data on. */
  legacyFuturesPath?: boolean;
}

export interface HealthReportingFeed extends PriceFeed {
  health(): FeedHealthReport;
}

export function hasHealthReport(feed: PriceFeed): feed is HealthReportingFeed {
  return typeof (feed as Partial<HealthReportingFeed>).health === 'function';
}

/**
 * The part of a report a public surface may show: faults only of connections that carry a public
 * symbol, refused subscriptions only of public symbols (a user's symbol must not move `/readyz`).
 */
export function publicFeedHealth(report: FeedHealthReport, isPublic: (symbol: string) => boolean): { fault: string | null; refused: number } {
  const faults = report.faults.filter((f) => f.symbols.some(isPublic));
  return {
    fault: faults.length > 0 ? faults.map((f) => `${f.market}: ${f.reason}`).join('; ') : null,
    refused: report.refusedSubscriptions.filter(isPublic).length,
  };
}
