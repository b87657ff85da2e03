// PRICE_FEED=binance: aggTrade ticks from Binance public market streams, spot and USDⓈ-M futures,
// for exactly the symbols with open trades. The server calls `watchMarkets({spot, futures})` when
// present; plain `watch(symbols)` treats every symbol as SPOT. A symbol in both sets is priced
// from spot (one price source per symbol, as the book keys prices by symbol only).
import { pino } from 'pino';
import { SYMBOL_PATTERN, type MarketType } from '../../shared/constants.ts';
import { priceKey } from '../../shared/price-key.ts';
import type { Logger } from '../logger.ts';
import { BinanceConnection } from './binance-connection.ts';
import type { ConnectionSettings } from './binance-connection-settings.ts';
import { ConnectionBudget } from './binance-connection-budget.ts';
import { AggTradeDedup } from './binance-dedup.ts';
import { BINANCE_BASES, isLegacyFuturesPath, streamEndpoint } from './binance-endpoints.ts';
import { aggTradeStream, type BinanceMarket } from './binance-messages.ts';
import type { MarketWatch, MarketWatchingFeed } from './market-watch.ts';
import type { FeedFault, FeedHealthReport, PriceSink } from './price-feed.ts';
import { realTimers, type Timers } from './timers.ts';

export const BINANCE_URLS = BINANCE_BASES;

export interface BinanceFeedOptions {
  /**
   * Bases (`wss://host[:port]`): the feed adds spot `/stream` and futures `/market/stream`.
   * A URL with a path is used as given. Tests point them at a fake.
   */
  spotUrl?: string;
  futuresUrl?: string;
  log?: Logger;
  timers?: Timers;
  random?: () => number;
  /** Default 5 (spot's documented limit, pongs included). */
  maxMessagesPerSecond?: number;
  /** Default 1024 for spot; 200 for futures (the current USDⓈ-M documentation's figure). */
  maxStreamsPerConnection?: Partial<Record<BinanceMarket, number>>;
  /** Default 200 streams per SUBSCRIBE message. */
  maxParamsPerMessage?: number;
  /** Default 23 h 50 m: rotate before Binance cuts the connection at 24 h. */
  maxLifetimeMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Default 65 s for spot (pings every 20 s), 400 s for futures (pings every 3 min); 0 = off. */
  idleTimeoutMs?: Partial<Record<BinanceMarket, number>>;
  /** Connection attempts per 5 minutes, all connections together (Binance: 300 per IP). Default 100. */
  connectionsPer5Minutes?: number;
  /** Least time from a socket's opening to the next rotation. Default 30 s. */
  minRotationIntervalMs?: number;
  /** Open this long (with data) before the backoff resets. Default 60 s. */
  stableAfterMs?: number;
  /** All subscribed streams of a socket silent this long = feed fault + fresh socket. Default 120 s; 0 = off. */
  silentFaultMs?: number;
  /** First retry of a refused SUBSCRIBE (doubling). Default 1 s. */
  subscribeRetryMs?: number;
}

export interface BinanceStats {
  ticks: number;
  malformed: number;
  reconnects: number;
}

/** Spreads one market's streams over connections of at most `maxStreams` each. */
class MarketPool {
  readonly connections: BinanceConnection[] = [];
  private readonly owner = new Map<string, BinanceConnection>();
  private running = false;

  constructor(
    private readonly market: MarketType,
    private readonly settings: ConnectionSettings,
    private readonly maxStreams: number,
    private readonly feed: BinancePriceFeed,
  ) {}

  setSymbols(symbols: ReadonlySet<string>): void {
    const wanted = new Set([...symbols].map(aggTradeStream));
    for (const [stream, conn] of this.owner) {
      if (wanted.has(stream)) continue;
      conn.remove(stream);
      this.owner.delete(stream);
      this.feed.forget(stream, this.market);
    }
    for (const stream of wanted) {
      if (this.owner.has(stream)) continue;
      const conn = this.connections.find((c) => c.size < this.maxStreams) ?? this.addConnection();
      conn.add(stream);
      this.owner.set(stream, conn);
    }
  }

  start(): void {
    this.running = true;
    for (const c of this.connections) c.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.connections.map((c) => c.stop()));
  }

  private addConnection(): BinanceConnection {
    const conn = new BinanceConnection(this.settings, {
      frame: (f) => this.feed.emit(f.symbol, f.price, f.ts, f.aggId, this.market),
      malformed: (reason) => this.feed.countMalformed(reason, this.settings.url),
      reconnecting: () => this.feed.stats.reconnects++,
    });
    this.connections.push(conn);
    if (this.running) conn.start();
    return conn;
  }
}

export class BinancePriceFeed implements MarketWatchingFeed {
  readonly name = 'binance';
  readonly stats: BinanceStats = { ticks: 0, malformed: 0, reconnects: 0 };
  private readonly pools: Record<BinanceMarket, MarketPool>;
  private readonly log: Logger;
  private readonly budget: ConnectionBudget;
  private readonly dedup = new AggTradeDedup();
  private readonly legacyFutures: boolean;
  private sink: PriceSink | null = null;

  constructor(opts: BinanceFeedOptions = {}) {
    this.log = opts.log ?? pino({ level: 'silent' });
    const timers = opts.timers ?? realTimers;
    this.budget = new ConnectionBudget(timers, opts.connectionsPer5Minutes ?? 100);
    const common = {
      timers,
      budget: this.budget,
      random: opts.random ?? Math.random,
      maxMessagesPerSecond: opts.maxMessagesPerSecond ?? 5,
      maxParamsPerMessage: opts.maxParamsPerMessage ?? 200,
      maxLifetimeMs: opts.maxLifetimeMs ?? (23 * 60 + 50) * 60_000,
      backoffInitialMs: opts.backoffInitialMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 60_000,
      minRotationIntervalMs: opts.minRotationIntervalMs ?? 30_000,
      stableAfterMs: opts.stableAfterMs ?? 60_000,
      silentFaultMs: opts.silentFaultMs ?? 120_000,
      subscribeRetryMs: opts.subscribeRetryMs ?? 1_000,
    };
    const futuresUrl = streamEndpoint('futures', opts.futuresUrl);
    this.legacyFutures = isLegacyFuturesPath(futuresUrl);
    if (this.legacyFutures)
      this.log.warn({ url: futuresUrl }, 'BINANCE_FUTURES_WS names a path Binance no longer streams market data on (use the base, or /market/stream)');
    const settings = (market: BinanceMarket, url: string, idle: number): ConnectionSettings => ({
      ...common,
      url,
      idleTimeoutMs: opts.idleTimeoutMs?.[market] ?? idle,
      log: this.log.child({ market }),
    });
    this.pools = {
      spot: new MarketPool('SPOT', settings('spot', streamEndpoint('spot', opts.spotUrl), 65_000), opts.maxStreamsPerConnection?.spot ?? 1024, this),
      futures: new MarketPool('FUTURES', settings('futures', futuresUrl, 400_000), opts.maxStreamsPerConnection?.futures ?? 200, this),
    };
  }

  start(sink: PriceSink): void {
    this.sink = sink;
    this.pools.spot.start();
    this.pools.futures.start();
  }

  async stop(): Promise<void> {
    this.sink = null;
    await Promise.all([this.pools.spot.stop(), this.pools.futures.stop()]);
  }

  /** Every symbol as SPOT. */
  watch(symbols: ReadonlySet<string>): void {
    this.watchMarkets({ spot: symbols, futures: new Set() });
  }

  /**
   * Subscribes to exactly these symbols per market (and unsubscribes from the rest). A symbol in
   * both is subscribed on both: a futures trade is decided on futures prices (SPEC §10).
   */
  watchMarkets(w: MarketWatch): void {
    const spot = new Set([...w.spot].filter((s) => SYMBOL_PATTERN.test(s)));
    const futures = new Set([...w.futures].filter((s) => SYMBOL_PATTERN.test(s)));
    this.pools.spot.setSymbols(spot);
    this.pools.futures.setSymbols(futures);
  }

  /**
   * Connection-level faults (silent streams, refused handshakes) and refused subscriptions. Faults
   * list their connection's symbols so that the caller can keep users' symbols off public surfaces.
   */
  health(): FeedHealthReport {
    const faults: FeedFault[] = [];
    const refused = new Set<string>();
    let connections = 0;
    for (const market of ['spot', 'futures'] as const) {
      // Price keys (shared/price-key.ts), so that a public surface filters them per market.
      const key = (stream: string): string => priceKey(streamSymbol(stream), market === 'spot' ? 'SPOT' : 'FUTURES');
      for (const conn of this.pools[market].connections) {
        const h = conn.health();
        if (h.open) connections++;
        const symbols = [...conn.desired].map(key);
        if (h.fault) faults.push({ market, reason: h.fault, symbols });
        for (const st of h.refused) refused.add(key(st));
      }
    }
    const retryAfterUntil = this.budget.retryAfterUntil();
    return {
      fault: faults.length > 0 ? faults.map((f) => `${f.market}: ${f.reason}`).join('; ') : null,
      faults,
      refusedSubscriptions: [...refused].sort(),
      connections,
      retryAfterUntil,
      legacyFuturesPath: this.legacyFutures,
    };
  }

  /**
   * @internal called by the connections. Each tick names its connection's market (SPEC §10): spot
   * and perpetual prices differ, and aggregate-trade ids are a series per market, so dedup is per key.
   */
  emit(symbol: string, price: number, ts: number, aggId: number | undefined, market: MarketType): void {
    if (!this.sink) return;
    if (aggId !== undefined && !this.dedup.first(priceKey(symbol, market), aggId)) return;
    this.stats.ticks++;
    this.sink.tick(symbol, price, ts, market);
  }

  /** @internal */
  forget(stream: string, market: MarketType): void {
    this.dedup.forget(priceKey(streamSymbol(stream), market));
  }

  /** @internal */
  countMalformed(reason: string, url: string): void {
    this.stats.malformed++;
    this.log.debug({ reason, url }, 'malformed binance frame dropped');
  }
}

/** `btcusdt@aggTrade` → `BTCUSDT`. */
function streamSymbol(stream: string): string {
  return stream.slice(0, stream.indexOf('@')).toUpperCase();
}
