// Issue 20 (SPEC §11): a bot's visibility, and the account that holds private bots' trades.
// A private bot's trades are owned by the reserved user -1 (server/privacy/trade-scope.ts
// PRIVATE_BOTS_ACCOUNT), so every public read's `user_id IS NULL` keeps them out, as it keeps out
// users' trades, and nothing of them reaches the ledger. The account has no usable password and no
// token can be issued for it. One trade per signal holds for them as for system trades.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203000200BotVisibility extends Migration {
  override up(): void {
    this.addSql(`alter table "bots" add column "visibility" text not null default 'public' check ("visibility" in ('public', 'unlisted', 'private'));`);
    this.addSql(`insert into "users" ("id", "username", "password_hash") values (-1, '~private-bots', '!') on conflict do nothing;`);
    this.addSql(`create unique index "paper_trades_private_signal_unique" on "paper_trades" ("signal_id") where "user_id" = -1;`);
  }

  override down(): void {
    this.addSql(`drop index if exists "paper_trades_private_signal_unique";`);
    this.addSql(`delete from "paper_trades" where "user_id" = -1;`);
    this.addSql(`delete from "users" where "id" = -1;`);
    this.addSql(`alter table "bots" drop column if exists "visibility";`);
  }
}
