// PRICE_FEED=simulated: a seeded geometric Brownian motion per catalogue symbol. The sequence of
// prices depends only on the seed; timestamps are wall clock.
import type { PriceFeed, PriceSink } from './price-feed.ts';
import { CATALOGUE_SYMBOLS, DEFAULT_TIME_SCALE, MARKET_CATALOGUE, roundPrice, sigmaOver, type MarketSpec } from './market-catalogue.ts';
import { mulberry32, normalFrom } from './prng.ts';

export interface SimulatedTick {
  symbol: string;
  price: number;
}

export interface SimulatedMarketOptions {
  seed: number;
  /** Wall-clock ms one round stands for (sets the per-round sigma). */
  roundMs?: number;
  timeScale?: number;
  /** Defaults to the whole catalogue, in catalogue order. */
  markets?: Record<string, MarketSpec>;
}

/** The pure price process: each `nextRound()` moves every symbol one step, in a fixed order. */
export class SimulatedMarket {
  private readonly symbols: string[];
  private readonly specs: MarketSpec[];
  private readonly levels: number[];
  private readonly sigmas: number[];
  private readonly normal: () => number;

  constructor(opts: SimulatedMarketOptions) {
    const markets: Record<string, MarketSpec> = opts.markets ?? MARKET_CATALOGUE;
    this.symbols = opts.markets ? Object.keys(markets) : [...CATALOGUE_SYMBOLS];
    this.specs = this.symbols.map((s) => markets[s]!);
    this.levels = this.specs.map((m) => m.price);
    const roundMs = opts.roundMs ?? 250;
    this.sigmas = this.specs.map((m) => sigmaOver(m, roundMs, opts.timeScale ?? DEFAULT_TIME_SCALE));
    this.normal = normalFrom(mulberry32(opts.seed));
  }

  nextRound(): SimulatedTick[] {
    const out: SimulatedTick[] = [];
    for (let i = 0; i < this.symbols.length; i++) {
      const sigma = this.sigmas[i]!;
      // Driftless GBM step: E[S_{t+1}] = S_t.
      this.levels[i] = this.levels[i]! * Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
      const spec = this.specs[i]!;
      const price = roundPrice(this.levels[i]!, spec.decimals);
      out.push({ symbol: this.symbols[i]!, price: price > 0 ? price : 10 ** -spec.decimals });
    }
    return out;
  }
}

export interface SimulatedFeedOptions extends Omit<SimulatedMarketOptions, 'roundMs'> {
  /** A round over all symbols every `intervalMs` (default 250 → four ticks/s per symbol). */
  intervalMs?: number;
}

export class SimulatedPriceFeed implements PriceFeed {
  readonly name = 'simulated';
  private readonly market: SimulatedMarket;
  private readonly intervalMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: SimulatedFeedOptions) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.market = new SimulatedMarket({ ...opts, roundMs: this.intervalMs });
  }

  start(sink: PriceSink): void {
    if (this.timer) return;
    const round = () => {
      const ts = Date.now();
      for (const t of this.market.nextRound()) sink.tick(t.symbol, t.price, ts);
    };
    round();
    this.timer = setInterval(round, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
