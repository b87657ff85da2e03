// signals: what a bot sent. (source, external_id) is the idempotency key.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { DIRECTIONS, MARKET_TYPES, SIGNAL_STATUSES, TIMEFRAMES } from '../../../shared/constants.ts';

export const SignalSchema = defineEntity({
  name: 'Signal',
  tableName: 'signals',
  properties: (p) => ({
    id: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    externalId: p.string().length(128).fieldName('external_id').nullable(),
    source: p.string().length(64),
    symbol: p.string().length(20),
    direction: p.enum([...DIRECTIONS]),
    timeframe: p.enum([...TIMEFRAMES]),
    entry: p.decimal('number').precision(30).scale(8),
    tp: p.decimal('number').precision(30).scale(8),
    sl: p.decimal('number').precision(30).scale(8),
    confidence: p.decimal('number').precision(5).scale(4),
    marketType: p.enum([...MARKET_TYPES]).fieldName('market_type'),
    leverage: p.integer(),
    status: p.enum([...SIGNAL_STATUSES]),
    expiresAt: p.datetime().fieldName('expires_at').nullable(),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  }),
  uniques: [{ name: 'signals_source_external_id_unique', properties: ['source', 'externalId'] }],
  indexes: [
    {
      // Only signals that expire (start-up reads open trades' expiries through it).
      name: 'signals_expiring_index',
      expression: 'create index "signals_expiring_index" on "signals" ("id", "expires_at") where "expires_at" is not null',
    },
  ],
});
export type Signal = InferEntity<typeof SignalSchema>;
