// signal_updates: updates of a signal's terms (SPEC §9), idempotent by (signal_id, update_id).
// Written with plain SQL by server/persistence/signal-updates.ts; the entity keeps the schema diff empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { PaperTradeSchema } from './paper-trade.entity.ts';
import { SignalSchema } from './signal.entity.ts';

export const SignalUpdateSchema = defineEntity({
  name: 'SignalUpdate',
  tableName: 'signal_updates',
  properties: (p) => ({
    id: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    signal: () => p.manyToOne(SignalSchema).fieldName('signal_id').deleteRule('cascade'),
    trade: () => p.manyToOne(PaperTradeSchema).fieldName('trade_id').deleteRule('cascade').index('signal_updates_trade_id_index'),
    updateId: p.string().length(128).fieldName('update_id').nullable(),
    payload: p.json<unknown>().columnType('jsonb'),
    terms: p.json<unknown>().columnType('jsonb'),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  }),
  uniques: [{ name: 'signal_updates_signal_id_update_id_unique', properties: ['signal', 'updateId'] }],
});
export type SignalUpdate = InferEntity<typeof SignalUpdateSchema>;
