// bots: what the operator says about a bot (SPEC §11). A bot exists by having sent signals; its
// row is written by `bot:set` and holds presentation and visibility, never trades.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { BOT_VISIBILITIES } from '../../../shared/constants.ts';

export const BotSchema = defineEntity({
  name: 'Bot',
  tableName: 'bots',
  properties: (p) => ({
    name: p.string().length(64).primary(),
    displayName: p.string().length(80).fieldName('display_name').nullable(),
    description: p.string().length(500).nullable(),
    visibility: p.enum([...BOT_VISIBILITIES]).default('public'),
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
