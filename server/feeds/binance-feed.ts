// PRICE_FEED=binance: aggTrade ticks from Binance public market streams, spot and USDⓈ-M futures,
// for exactly the symbols with open trades. The server calls `watchMarkets({spot, futures})` when
// present; plain `watch(symbols)` treats every symbol as SPOT. A symbol in both sets is priced
// from spot (one price source per symbol, as the book keys prices by symbol only).
import { pino } from 'pino';
import { SYMBOL_PATTERN } from '../../shared/constants.ts';
import type { Logger } from '../logger.ts';
import { BinanceConnection, type ConnectionSettings } from './binance-connection.ts';
import { aggTradeStream, type BinanceMarket } from './binance-messages.ts';
import type { MarketWatch, MarketWatchingFeed } from './market-watch.ts';
import type { PriceSink } from './price-feed.ts';
import { realTimers, type Timers } from './timers.ts';

export const BINANCE_URLS = {
  spot: 'wss://stream.binance.com:9443',
  futures: 'wss://fstream.binance.com',
} as const;

export interface BinanceFeedOptions {
  /** Base URLs without path; `/stream` (combined streams) is appended. Tests point them at a fake. */
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
}

export interface BinanceStats {
  ticks: number;
  malformed: number;
  reconnects: number;
}

/** Spreads one market's streams over connections of at most `maxStreams` each. */
class MarketPool {
  private readonly connections: BinanceConnection[] = [];
  private readonly owner = new Map<string, BinanceConnection>();
  private running = false;

  constructor(
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
      tick: (symbol, price, ts) => this.feed.emit(symbol, price, ts),
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
  private sink: PriceSink | null = null;

  constructor(opts: BinanceFeedOptions = {}) {
    this.log = opts.log ?? pino({ level: 'silent' });
    const common = {
      timers: opts.timers ?? realTimers,
      random: opts.random ?? Math.random,
      maxMessagesPerSecond: opts.maxMessagesPerSecond ?? 5,
      maxParamsPerMessage: opts.maxParamsPerMessage ?? 200,
      maxLifetimeMs: opts.maxLifetimeMs ?? (23 * 60 + 50) * 60_000,
      backoffInitialMs: opts.backoffInitialMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 60_000,
    };
    const settings = (market: BinanceMarket, base: string, idle: number): ConnectionSettings => ({
      ...common,
      url: `${base.replace(/\/+$/, '')}/stream`,
      idleTimeoutMs: opts.idleTimeoutMs?.[market] ?? idle,
      log: this.log.child({ market }),
    });
    this.pools = {
      spot: new MarketPool(settings('spot', opts.spotUrl ?? BINANCE_URLS.spot, 65_000), opts.maxStreamsPerConnection?.spot ?? 1024, this),
      futures: new MarketPool(
        settings('futures', opts.futuresUrl ?? BINANCE_URLS.futures, 400_000),
        opts.maxStreamsPerConnection?.futures ?? 200,
        this,
      ),
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

  /** Subscribes to exactly these symbols per market (and unsubscribes from the rest). */
  watchMarkets(w: MarketWatch): void {
    const spot = new Set([...w.spot].filter((s) => SYMBOL_PATTERN.test(s)));
    const futures = new Set([...w.futures].filter((s) => SYMBOL_PATTERN.test(s) && !spot.has(s)));
    this.pools.spot.setSymbols(spot);
    this.pools.futures.setSymbols(futures);
  }

  /** @internal called by the connections. */
  emit(symbol: string, price: number, ts: number): void {
    if (!this.sink) return;
    this.stats.ticks++;
    this.sink.tick(symbol, price, ts);
  }

  /** @internal */
  countMalformed(reason: string, url: string): void {
    this.stats.malformed++;
    this.log.debug({ reason, url }, 'malformed binance frame dropped');
  }
}
