// Migrations in the order they run. Listed explicitly (no file globbing) so tsx and bundles agree.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20250101000000Initial } from './Migration20250101000000Initial.ts';
import { Migration20261123000000Ledger } from './Migration20261123000000Ledger.ts';
import { Migration20261124000000ExpiringSignals } from './Migration20261124000000ExpiringSignals.ts';
import { Migration20261201000000UserTradeIds } from './Migration20261201000000UserTradeIds.ts';
import { Migration20261202000000TradeLegs } from './Migration20261202000000TradeLegs.ts';
import { Migration20261203000000Candles } from './Migration20261203000000Candles.ts';
import { Migration20261203000100Bots } from './Migration20261203000100Bots.ts';
import { Migration20261203000200BotVisibility } from './Migration20261203000200BotVisibility.ts';
import { Migration20261204000000Notifications } from './Migration20261204000000Notifications.ts';
import { Migration20261204000100LedgerCheckpoints } from './Migration20261204000100LedgerCheckpoints.ts';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20250101000000Initial', class: Migration20250101000000Initial },
  { name: 'Migration20261123000000Ledger', class: Migration20261123000000Ledger },
  { name: 'Migration20261124000000ExpiringSignals', class: Migration20261124000000ExpiringSignals },
  { name: 'Migration20261201000000UserTradeIds', class: Migration20261201000000UserTradeIds },
  { name: 'Migration20261202000000TradeLegs', class: Migration20261202000000TradeLegs },
  { name: 'Migration20261203000000Candles', class: Migration20261203000000Candles },
  { name: 'Migration20261203000100Bots', class: Migration20261203000100Bots },
  { name: 'Migration20261203000200BotVisibility', class: Migration20261203000200BotVisibility },
  { name: 'Migration20261204000000Notifications', class: Migration20261204000000Notifications },
  { name: 'Migration20261204000100LedgerCheckpoints', class: Migration20261204000100LedgerCheckpoints },
];
