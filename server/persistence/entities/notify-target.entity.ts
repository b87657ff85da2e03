// notify_targets: where a bot's public events are sent (SPEC §14). Written and read with plain SQL
// by server/persistence/notify-targets.ts; the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { CHANNEL_KINDS } from '../../notify/notification.ts';

export const NotifyTargetSchema = defineEntity({
  name: 'NotifyTarget',
  tableName: 'notify_targets',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    bot: p.string().length(64),
    kind: p.enum([...CHANNEL_KINDS]),
    config: p.json(),
    createdAt: p.datetime().fieldName('created_at').defaultRaw('now()'),
    removedAt: p.datetime().fieldName('removed_at').nullable(),
  }),
  indexes: [
    {
      name: 'notify_targets_bot_index',
      expression: 'create index "notify_targets_bot_index" on "notify_targets" ("bot") where "removed_at" is null',
    },
  ],
});
export type NotifyTarget = InferEntity<typeof NotifyTargetSchema>;
