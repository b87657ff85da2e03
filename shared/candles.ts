// Candles on the wire (SPEC §13): the intervals a client may ask for, their lengths, and the shape
// of one candle in the REST answer and on the /public `candles` stream event.
export const CANDLE_INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

export const MINUTE_MS = 60_000;

export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};

/** At most this many candles per REST answer (from..to is refused beyond it, naming the bound). */
export const MAX_CANDLES_PER_ANSWER = 1000;

/** One candle: `start` is the interval's first millisecond (UTC, epoch-aligned); `ticks` counts the prices folded in. */
export interface CandleJson {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  ticks: number;
}

export interface CandlesAnswerJson {
  symbol: string;
  market_type: 'SPOT' | 'FUTURES';
  interval: CandleInterval;
  candles: CandleJson[];
}

/** A closed 1m candle on the stream, keyed by price key like `prices` (shared/price-key.ts). */
export interface StreamCandleJson extends CandleJson {
  key: string;
}
