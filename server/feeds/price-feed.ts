// The PriceFeed port: adapters (simulated, binance, bot, replay) push ticks into a sink, in arrival order.
export interface PriceSink {
  tick(symbol: string, price: number, ts: number): void;
}

export interface PriceFeed {
  readonly name: string;
  start(sink: PriceSink): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Symbols that have open or pending trades; feeds that subscribe per symbol follow this set. */
  watch?(symbols: ReadonlySet<string>): void;
}
