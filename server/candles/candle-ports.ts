// What the candle service needs from persistence (implemented by server/persistence/candle-store.ts).
import type { MarketType } from '../../shared/constants.ts';
import type { Candle } from './candle.ts';

export interface CandleStore {
  /** Upserts 1m candles; a row already there merges (candle.ts `mergeCandles`, in SQL). */
  upsert(candles: readonly Candle[]): Promise<void>;
  /** Candles of `intervalMs` in [from, to), aggregated from the stored 1m rows, oldest first. */
  range(symbol: string, market: MarketType, intervalMs: number, from: number, to: number): Promise<Candle[]>;
  /** Deletes 1m candles starting before `before`; returns how many. */
  deleteBefore(before: number): Promise<number>;
  /** Whether a system trade holds or held this symbol on this market (the privacy wall). */
  hasSystemTrades(symbol: string, market: MarketType): Promise<boolean>;
}
