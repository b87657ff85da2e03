// bots: what the operator says about a bot (SPEC §11). A bot exists by having sent signals; its
// row is written by `bot:set` and holds only presentation, never trades.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const BotSchema = defineEntity({
  name: 'Bot',
  tableName: 'bots',
  properties: (p) => ({
    name: p.string().length(64).primary(),
    displayName: p.string().length(80).fieldName('display_name').nullable(),
    description: p.string().length(500).nullable(),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .fieldName('updated_at')
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type Bot = InferEntity<typeof BotSchema>;
