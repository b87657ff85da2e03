// Issue 22 (SPEC §15): signed checkpoints of the ledger. `ledger_keys` holds the public half of
// each signing key a deployment has used (the private half never leaves its file); every process
// that serves the public API reads the current key from here. `ledger_checkpoints` holds one
// signed (seq, head_hash, at) per ledger head the engine signed.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261204000100LedgerCheckpoints extends Migration {
  override up(): void {
    this.addSql(`create table "ledger_keys" (
      "fingerprint" varchar(64) primary key not null,
      "public_key" text not null,
      "created_at" timestamptz not null,
      "last_used_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "ledger_checkpoints" (
      "seq" bigint primary key not null,
      "head_hash" varchar(64) not null,
      "at" timestamptz not null,
      "signature" text not null,
      "key_fingerprint" varchar(64) not null
    );`);
    this.addSql(
      `alter table "ledger_checkpoints" add constraint "ledger_checkpoints_key_fingerprint_foreign" foreign key ("key_fingerprint") references "ledger_keys" ("fingerprint") on update cascade;`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "ledger_checkpoints" cascade;`);
    this.addSql(`drop table if exists "ledger_keys" cascade;`);
  }
}
