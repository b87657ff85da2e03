// Issue 21 (SPEC §14): outbound notifications through an outbox. `notify_targets` says where a
// bot's public events go (webhook, Telegram chat, Discord webhook; the secrets they need in
// `config`). `notify_outbox` holds one row per (target, ledger row), inserted by the same
// statement batch that appends the ledger rows (server/persistence/notify-outbox.ts), so an
// event is queued exactly when it is committed. A row is `queued` until delivered (`sent`) or
// given up on (`dead`, kept and listed: the dead letters).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261204000000Notifications extends Migration {
  override up(): void {
    this.addSql(`create table "notify_targets" (
      "id" serial primary key,
      "bot" varchar(64) not null,
      "kind" text not null check ("kind" in ('webhook', 'telegram', 'discord')),
      "config" jsonb not null,
      "created_at" timestamptz not null default now(),
      "removed_at" timestamptz null
    );`);
    this.addSql(`create index "notify_targets_bot_index" on "notify_targets" ("bot") where "removed_at" is null;`);
    this.addSql(`create table "notify_outbox" (
      "id" bigserial primary key,
      "target_id" integer not null,
      "ledger_seq" bigint not null,
      "state" text not null default 'queued' check ("state" in ('queued', 'sent', 'dead')),
      "attempts" integer not null default 0,
      "created_at" timestamptz not null default now(),
      "next_attempt_at" timestamptz not null default now(),
      "lease_until" timestamptz null,
      "sent_at" timestamptz null,
      "last_status" integer null,
      "last_error" text null,
      constraint "notify_outbox_target_event_unique" unique ("target_id", "ledger_seq")
    );`);
    this.addSql(
      `alter table "notify_outbox" add constraint "notify_outbox_target_id_foreign" foreign key ("target_id") references "notify_targets" ("id") on update cascade;`,
    );
    // The worker's claim: due rows of the queue, oldest first.
    this.addSql(`create index "notify_outbox_due_index" on "notify_outbox" ("next_attempt_at", "id") where "state" = 'queued';`);
    // The gauges (queued, dead, oldest age) and the dead-letter list, without reading delivered rows.
    this.addSql(`create index "notify_outbox_unsent_index" on "notify_outbox" ("state", "created_at") where "state" <> 'sent';`);
  }

  override down(): void {
    this.addSql(`drop table if exists "notify_outbox" cascade;`);
    this.addSql(`drop table if exists "notify_targets" cascade;`);
  }
}
