// paper_trades: system trades (user_id null, at most one per signal) and private user trades.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES, TRADE_STATUSES } from '../../../shared/constants.ts';
import { LEG_KINDS } from '../../ledger/ledger-inputs.ts';
import { SignalSchema } from './signal.entity.ts';
import { UserSchema } from './user.entity.ts';

export const PaperTradeSchema = defineEntity({
  name: 'PaperTrade',
  tableName: 'paper_trades',
  properties: (p) => ({
    id: p.bigint('number').columnType('bigint').primary().autoincrement().generated('by default as identity'),
    signal: () => p.manyToOne(SignalSchema).fieldName('signal_id').nullable().deleteRule('set null'),
    user: () => p.manyToOne(UserSchema).fieldName('user_id').nullable().deleteRule('cascade').index('paper_trades_user_id_index'),
    // The signal's source for a system trade (SPEC §11), null for a user's trade.
    bot: p.string().length(64).nullable(),
    symbol: p.string().length(20).index('paper_trades_symbol_index'),
    direction: p.enum([...DIRECTIONS]),
    marketType: p.enum([...MARKET_TYPES]).fieldName('market_type'),
    timeframe: p.enum([...TIMEFRAMES]),
    confidence: p.decimal('number').precision(5).scale(4),
    leverage: p.integer(),
    entryPrice: p.decimal('number').precision(30).scale(8).fieldName('entry_price'),
    entryTime: p.datetime().fieldName('entry_time').index('paper_trades_entry_time_index'),
    positionSize: p.decimal('number').precision(30).scale(8).fieldName('position_size'),
    quantity: p.decimal('number').precision(30).scale(8),
    takeProfit: p.decimal('number').precision(30).scale(8).fieldName('take_profit'),
    stopLoss: p.decimal('number').precision(30).scale(8).fieldName('stop_loss'),
    status: p.enum([...TRADE_STATUSES]).index('paper_trades_status_index'),
    exitPrice: p.decimal('number').precision(30).scale(8).fieldName('exit_price').nullable(),
    exitTime: p.datetime().fieldName('exit_time').nullable().index('paper_trades_exit_time_index'),
    fees: p.decimal('number').precision(30).scale(8).nullable(),
    profitLoss: p.decimal('number').precision(30).scale(8).fieldName('profit_loss').nullable(),
    profitLossPercentage: p.decimal('number').precision(12).scale(4).fieldName('profit_loss_percentage').nullable(),
    // Issue 19 (SPEC §9), null on rows from before: see Migration20261202000000TradeLegs.
    targets: p.json<{ level: number; share: number }[]>().columnType('jsonb').nullable(),
    slMode: p.enum(['fixed', 'breakeven', 'moving_target']).fieldName('sl_mode').default('fixed'),
    trailingCallbackRate: p.decimal('number').precision(10).scale(8).fieldName('trailing_callback_rate').nullable(),
    trailingActivationPrice: p.decimal('number').precision(30).scale(8).fieldName('trailing_activation_price').nullable(),
    trailingBestPrice: p.decimal('number').precision(30).scale(8).fieldName('trailing_best_price').nullable(),
    initialStopLoss: p.decimal('number').precision(30).scale(8).fieldName('initial_stop_loss').nullable(),
    remainingQuantity: p.decimal('number').precision(30).scale(8).fieldName('remaining_quantity').nullable(),
    realizedProfitLoss: p.decimal('number').precision(30).scale(8).fieldName('realized_profit_loss').default(0),
    exitReason: p
      .enum([...LEG_KINDS])
      .fieldName('exit_reason')
      .nullable(),
    priceGap: p.boolean().fieldName('price_gap').default(false),
    version: p.integer().version().default(1),
    createdAt: p
      .datetime()
      .fieldName('created_at')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .fieldName('updated_at')
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
  indexes: [
    {
      name: 'paper_trades_bot_index',
      expression: 'create index "paper_trades_bot_index" on "paper_trades" ("bot", "entry_time") where "user_id" is null',
    },
  ],
  uniques: [
    {
      // One system trade per signal; user trades may share a signal.
      name: 'paper_trades_system_signal_unique',
      expression: 'create unique index "paper_trades_system_signal_unique" on "paper_trades" ("signal_id") where "user_id" is null',
    },
    {
      // Likewise one private bot's trade per signal (held by the private bots' account, SPEC §11).
      name: 'paper_trades_private_signal_unique',
      expression: 'create unique index "paper_trades_private_signal_unique" on "paper_trades" ("signal_id") where "user_id" = -1',
    },
  ],
});
export type PaperTrade = InferEntity<typeof PaperTradeSchema>;
