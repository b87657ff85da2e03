// Issue 16, item 4: system and user trades shared paper_trades' identity sequence, so a gap in public
// ids counted (and dated) users' manual trades. Manual trades now draw from their own sequence in a
// disjoint range (2^52 …); system trades keep the identity sequence, capped below that range so
// the two can never meet. Existing ids stay as they are (old gaps remain; no new ones appear).
// The sequence is not OWNED BY paper_trades.id: a second owned sequence would make
// pg_get_serial_sequence('paper_trades', 'id') ambiguous.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000UserTradeIds extends Migration {
  override up(): void {
    this.addSql(`alter table "paper_trades" alter column "id" set maxvalue 4503599627370495;`);
    this.addSql(
      `create sequence if not exists "user_trade_id_seq" as bigint ` +
        `minvalue 4503599627370496 maxvalue 9007199254740991 start with 4503599627370496 no cycle;`,
    );
  }

  override down(): void {
    this.addSql(`drop sequence if exists "user_trade_id_seq";`);
    this.addSql(`alter table "paper_trades" alter column "id" set maxvalue 9223372036854775807;`);
  }
}
