// users: accounts that own private (user) trades and user API tokens.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: (p) => ({
    id: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    username: p.string().length(64).unique('users_username_unique'),
    passwordHash: p.string().length(255).fieldName('password_hash'),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  }),
});
export type User = InferEntity<typeof UserSchema>;
