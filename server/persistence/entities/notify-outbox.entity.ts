// notify_outbox: one row per (target, ledger row) to deliver (SPEC §14). Inserted with the ledger
// rows' own statement batch and drained by server/notify/notify-worker.ts through plain SQL
// (server/persistence/notify-outbox.ts); the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { NotifyTargetSchema } from './notify-target.entity.ts';

export const OUTBOX_STATES = ['queued', 'sent', 'dead'] as const;

export const NotifyOutboxSchema = defineEntity({
  name: 'NotifyOutbox',
  tableName: 'notify_outbox',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    target: () => p.manyToOne(NotifyTargetSchema).fieldName('target_id'),
    ledgerSeq: p.bigint('number').fieldName('ledger_seq'),
    state: p.enum([...OUTBOX_STATES]).default('queued'),
    attempts: p.integer().default(0),
    createdAt: p.datetime().fieldName('created_at').defaultRaw('now()'),
    nextAttemptAt: p.datetime().fieldName('next_attempt_at').defaultRaw('now()'),
    leaseUntil: p.datetime().fieldName('lease_until').nullable(),
    sentAt: p.datetime().fieldName('sent_at').nullable(),
    lastStatus: p.integer().fieldName('last_status').nullable(),
    lastError: p.text().fieldName('last_error').nullable(),
  }),
  uniques: [{ name: 'notify_outbox_target_event_unique', properties: ['target', 'ledgerSeq'] }],
  indexes: [
    {
      name: 'notify_outbox_due_index',
      expression: 'create index "notify_outbox_due_index" on "notify_outbox" ("next_attempt_at", "id") where "state" = \'queued\'',
    },
    {
      name: 'notify_outbox_unsent_index',
      expression: 'create index "notify_outbox_unsent_index" on "notify_outbox" ("state", "created_at") where "state" <> \'sent\'',
    },
  ],
});
export type NotifyOutbox = InferEntity<typeof NotifyOutboxSchema>;
