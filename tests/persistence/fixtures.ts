// Signal factories for persistence tests.
import type { IngestPayload } from '../../server/persistence/trade-store.ts';
import type { CloseRecord } from '../../server/engine/ports.ts';

let seq = 0;

export function longSignal(over: Partial<IngestPayload> = {}): IngestPayload {
  seq++;
  return {
    source: 'test-bot',
    external_id: `ext-${process.pid}-${seq}`,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    timeframe: '1h',
    entry: 50_000,
    tp: 52_000,
    sl: 49_000,
    confidence: 0.5,
    market_type: 'SPOT',
    leverage: 1,
    ...over,
  };
}

export const T0 = new Date('2025-03-01T12:00:00.000Z');
export const INGEST = { positionSize: 100, now: T0 };

/** A take-profit close of trade `id` at 52,000 (the long signal's target). */
export const closeOf = (id: number, over: Partial<CloseRecord> = {}): CloseRecord => ({
  id,
  status: 'CLOSED_TP',
  exitPrice: 52_000,
  exitTime: new Date('2025-03-02T00:00:00Z'),
  fees: 0.204,
  profitLoss: 3.796,
  profitLossPercentage: 3.796,
  priceGap: false,
  ...over,
});
