// ledger_keys: the public half of each checkpoint signing key (SPEC §15). Written and read with
// plain SQL by server/persistence/checkpoint-store.ts; the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const LedgerKeySchema = defineEntity({
  name: 'LedgerKey',
  tableName: 'ledger_keys',
  properties: (p) => ({
    fingerprint: p.string().length(64).primary(),
    publicKey: p.text().fieldName('public_key'),
    createdAt: p.datetime().fieldName('created_at'),
    lastUsedAt: p.datetime().fieldName('last_used_at').defaultRaw('now()'),
  }),
});
export type LedgerKey = InferEntity<typeof LedgerKeySchema>;
