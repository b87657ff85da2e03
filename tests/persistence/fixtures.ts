// Signal factories for persistence tests.
import type { IngestPayload } from '../../server/persistence/trade-store.ts';

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
