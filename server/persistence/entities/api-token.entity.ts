// api_tokens: bot and user credentials, stored only as sha256 hex of the secret.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from './user.entity.ts';

export const API_TOKEN_KINDS = ['bot', 'user'] as const;

export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: (p) => ({
    id: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    kind: p.enum([...API_TOKEN_KINDS]),
    name: p.string().length(64),
    user: () => p.manyToOne(UserSchema).fieldName('user_id').nullable().deleteRule('cascade').index('api_tokens_user_id_index'),
    tokenHash: p.string().length(64).fieldName('token_hash').unique('api_tokens_token_hash_unique'),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    revokedAt: p.datetime().fieldName('revoked_at').nullable(),
  }),
});
export type ApiToken = InferEntity<typeof ApiTokenSchema>;
