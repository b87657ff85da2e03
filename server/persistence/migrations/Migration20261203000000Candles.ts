// SPEC §13: 1m OHLC candles per market and symbol, built from ticks (server/candles/). Larger
// intervals are aggregated from these on read. `open_ts`/`close_ts` stamp the first and last tick
// so two partial rows of one minute (a restart mid-minute, a retried flush) merge in any order.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203000000Candles extends Migration {
  override up(): void {
    this.addSql(`create table "candles" (
      "market" text not null check ("market" in ('SPOT', 'FUTURES')),
      "symbol" varchar(20) not null,
      "start" timestamptz not null,
      "open" numeric not null,
      "high" numeric not null,
      "low" numeric not null,
      "close" numeric not null,
      "ticks" integer not null check ("ticks" >= 1),
      "open_ts" timestamptz not null,
      "close_ts" timestamptz not null,
      constraint "candles_pkey" primary key ("market", "symbol", "start")
    );`);
    // Retention deletes by age across every symbol.
    this.addSql(`create index "candles_start_index" on "candles" ("start");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "candles" cascade;`);
  }
}
