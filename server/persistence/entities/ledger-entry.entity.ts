// ledger: the hash-chained record of public events (server/ledger/). Written with plain SQL by
// server/persistence/ledger-append.ts; the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const LedgerEntrySchema = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger',
  properties: (p) => ({
    seq: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    kind: p.text(),
    tradeId: p.bigint('number').columnType('bigint').fieldName('trade_id').index('ledger_trade_id_index'),
    event: p.json<Record<string, unknown>>().columnType('jsonb'),
    at: p.datetime(),
    prevHash: p.text().fieldName('prev_hash'),
    hash: p.text(),
  }),
});
export type LedgerEntry = InferEntity<typeof LedgerEntrySchema>;
