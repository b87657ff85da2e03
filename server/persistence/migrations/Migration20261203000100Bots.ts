// Issue 20 (SPEC §11): a bot is the `source` of its signals. Every trade carries its bot (a system
// trade's signal source; null for user trades), so per-bot reads filter one indexed column instead
// of joining signals. `bots` holds what the operator says about a bot (display name, description):
// a bot exists by having signals, a row only once `bot:set` wrote one.
// Rows written before get their bot from their signal.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203000100Bots extends Migration {
  override up(): void {
    this.addSql(`alter table "paper_trades" add column "bot" varchar(64) null;`);
    this.addSql(`update "paper_trades" t set "bot" = s."source" from "signals" s where t."signal_id" = s."id" and t."user_id" is null;`);
    this.addSql(`create index "paper_trades_bot_index" on "paper_trades" ("bot", "entry_time") where "user_id" is null;`);
    this.addSql(`create table "bots" (
      "name" varchar(64) primary key not null,
      "display_name" varchar(80) null,
      "description" varchar(500) null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
  }

  override down(): void {
    this.addSql(`drop table if exists "bots" cascade;`);
    this.addSql(`drop index if exists "paper_trades_bot_index";`);
    this.addSql(`alter table "paper_trades" drop column if exists "bot";`);
  }
}
