// The chart's history: 1m candles of a public price key from GET /api/public/candles/ (SPEC §13).
import type { CandleJson, CandlesAnswerJson } from '../../../shared/candles.ts';
import type { MarketType } from '../../../shared/constants.ts';

export const CANDLES_URL = '/api/public/candles/';

/** The last 1,000 1m candles (the server's default window); [] when the symbol has none to show. */
export async function fetchCandles(symbol: string, market: MarketType, signal?: AbortSignal): Promise<CandleJson[]> {
  const q = new URLSearchParams({ symbol, market_type: market, interval: '1m' });
  const res = await fetch(`${CANDLES_URL}?${q.toString()}`, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) return [];
  return ((await res.json()) as CandlesAnswerJson).candles;
}
