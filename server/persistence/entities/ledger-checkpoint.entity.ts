// ledger_checkpoints: one signed (seq, head_hash, at) per signed ledger head (SPEC §15). Written and
// read with plain SQL by server/persistence/checkpoint-store.ts; the entity keeps the schema diff empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { LedgerKeySchema } from './ledger-key.entity.ts';

export const LedgerCheckpointSchema = defineEntity({
  name: 'LedgerCheckpoint',
  tableName: 'ledger_checkpoints',
  properties: (p) => ({
    seq: p.bigint('number').primary().autoincrement(false),
    headHash: p.string().length(64).fieldName('head_hash'),
    at: p.datetime(),
    signature: p.text(),
    key: () => p.manyToOne(LedgerKeySchema).fieldName('key_fingerprint'),
  }),
});
export type LedgerCheckpoint = InferEntity<typeof LedgerCheckpointSchema>;
