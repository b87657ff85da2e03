// Liquid USDT pairs with realistic start prices and volatilities: drives the simulated feed and
// lets the demo bot size its TP/SL distances to the market it trades.

export interface MarketSpec {
  /** Start price in USDT. */
  price: number;
  /** Annualised volatility (0.6 = 60 %/year), the sigma of the geometric Brownian motion. */
  annualVol: number;
  /** Decimal places prices are quoted with (the exchange tick size). */
  decimals: number;
  /** True when a USDⓈ-M perpetual exists, so the demo bot may trade it as FUTURES. */
  futures: boolean;
}

export const MARKET_CATALOGUE = {
  BTCUSDT: { price: 95_000, annualVol: 0.5, decimals: 2, futures: true },
  ETHUSDT: { price: 3_300, annualVol: 0.65, decimals: 2, futures: true },
  SOLUSDT: { price: 180, annualVol: 0.85, decimals: 2, futures: true },
  BNBUSDT: { price: 650, annualVol: 0.55, decimals: 2, futures: true },
  XRPUSDT: { price: 2.3, annualVol: 0.9, decimals: 4, futures: true },
  DOGEUSDT: { price: 0.32, annualVol: 1.0, decimals: 5, futures: true },
  ADAUSDT: { price: 0.95, annualVol: 0.9, decimals: 4, futures: true },
  AVAXUSDT: { price: 38, annualVol: 0.95, decimals: 2, futures: true },
  LINKUSDT: { price: 22, annualVol: 0.9, decimals: 3, futures: true },
  DOTUSDT: { price: 7, annualVol: 0.9, decimals: 3, futures: true },
  TRXUSDT: { price: 0.25, annualVol: 0.6, decimals: 5, futures: true },
  LTCUSDT: { price: 105, annualVol: 0.75, decimals: 2, futures: true },
  BCHUSDT: { price: 450, annualVol: 0.8, decimals: 1, futures: true },
  UNIUSDT: { price: 13, annualVol: 0.95, decimals: 3, futures: true },
  NEARUSDT: { price: 5.2, annualVol: 1.0, decimals: 3, futures: true },
  ATOMUSDT: { price: 6.8, annualVol: 0.9, decimals: 3, futures: true },
  APTUSDT: { price: 9, annualVol: 1.0, decimals: 3, futures: true },
  ARBUSDT: { price: 0.75, annualVol: 1.05, decimals: 4, futures: true },
  OPUSDT: { price: 1.9, annualVol: 1.05, decimals: 4, futures: true },
  SUIUSDT: { price: 4.2, annualVol: 1.1, decimals: 4, futures: true },
  PEPEUSDT: { price: 0.000018, annualVol: 1.3, decimals: 8, futures: false },
} as const satisfies Record<string, MarketSpec>;

export type CatalogueSymbol = keyof typeof MARKET_CATALOGUE;
export const CATALOGUE_SYMBOLS = Object.keys(MARKET_CATALOGUE) as CatalogueSymbol[];

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Simulated seconds per wall-clock second. Real minute-scale volatility is far below the 0.2 %
 * round-trip fee, so the demo market runs one simulated minute per second: trades with
 * volatility-scaled TP/SL then close within tens of seconds and the page is alive at once.
 */
export const DEFAULT_TIME_SCALE = 60;

/** Standard deviation of log-returns over `ms` wall-clock milliseconds at `timeScale`. */
export function sigmaOver(spec: MarketSpec, ms: number, timeScale = DEFAULT_TIME_SCALE): number {
  return spec.annualVol * Math.sqrt((ms * timeScale) / YEAR_MS);
}

export function roundPrice(price: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(price * f) / f;
}

export function marketSpec(symbol: string): MarketSpec | undefined {
  return (MARKET_CATALOGUE as Record<string, MarketSpec>)[symbol];
}
