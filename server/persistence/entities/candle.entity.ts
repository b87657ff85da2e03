// candles: 1m OHLC per market and symbol (SPEC §13). Written and read with plain SQL by
// server/persistence/candle-store.ts; the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { MARKET_TYPES } from '../../../shared/constants.ts';

export const CandleSchema = defineEntity({
  name: 'Candle',
  tableName: 'candles',
  properties: (p) => ({
    market: p.enum([...MARKET_TYPES]).primary(),
    symbol: p.string().length(20).primary(),
    start: p.datetime().primary().index('candles_start_index'),
    open: p.decimal('number'),
    high: p.decimal('number'),
    low: p.decimal('number'),
    close: p.decimal('number'),
    ticks: p.integer(),
    openTs: p.datetime().fieldName('open_ts'),
    closeTs: p.datetime().fieldName('close_ts'),
  }),
  checks: [{ name: 'candles_ticks_check', expression: 'ticks >= 1' }],
});
export type Candle = InferEntity<typeof CandleSchema>;
