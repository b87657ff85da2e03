// All entity schemas, in dependency order, for the ORM config.
import { ApiTokenSchema } from './api-token.entity.ts';
import { BotSchema } from './bot.entity.ts';
import { CandleSchema } from './candle.entity.ts';
import { LedgerEntrySchema } from './ledger-entry.entity.ts';
import { LedgerCheckpointSchema } from './ledger-checkpoint.entity.ts';
import { LedgerKeySchema } from './ledger-key.entity.ts';
import { NotifyOutboxSchema } from './notify-outbox.entity.ts';
import { NotifyTargetSchema } from './notify-target.entity.ts';
import { PaperTradeSchema } from './paper-trade.entity.ts';
import { SignalSchema } from './signal.entity.ts';
import { SignalUpdateSchema } from './signal-update.entity.ts';
import { TradeLegSchema } from './trade-leg.entity.ts';
import { UserSchema } from './user.entity.ts';

export {
  ApiTokenSchema,
  BotSchema,
  CandleSchema,
  LedgerEntrySchema,
  NotifyOutboxSchema,
  NotifyTargetSchema,
  PaperTradeSchema,
  SignalSchema,
  SignalUpdateSchema,
  TradeLegSchema,
  UserSchema,
};
export const ENTITIES = [
  UserSchema,
  ApiTokenSchema,
  SignalSchema,
  PaperTradeSchema,
  LedgerEntrySchema,
  TradeLegSchema,
  SignalUpdateSchema,
  CandleSchema,
  BotSchema,
  NotifyTargetSchema,
  NotifyOutboxSchema,
  LedgerKeySchema,
  LedgerCheckpointSchema,
];
