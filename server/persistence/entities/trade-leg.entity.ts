// paper_trade_legs: the fills of a trade (SPEC §9), at most one per kind. Written with plain SQL by
// server/persistence/trade-legs.ts; the entity exists so the schema diff stays empty.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { LEG_KINDS } from '../../ledger/ledger-inputs.ts';
import { PaperTradeSchema } from './paper-trade.entity.ts';

export const TradeLegSchema = defineEntity({
  name: 'TradeLeg',
  tableName: 'paper_trade_legs',
  properties: (p) => ({
    trade: () => p.manyToOne(PaperTradeSchema).fieldName('trade_id').primary().deleteRule('cascade'),
    seq: p.smallint().primary(),
    kind: p.enum([...LEG_KINDS]),
    price: p.decimal('number').precision(30).scale(8),
    quantity: p.decimal('number').precision(30).scale(8),
    fees: p.decimal('number').precision(30).scale(8),
    profitLoss: p.decimal('number').precision(30).scale(8).fieldName('profit_loss'),
    time: p.datetime(),
  }),
  uniques: [{ name: 'paper_trade_legs_trade_id_kind_unique', properties: ['trade', 'kind'] }],
  checks: [
    { name: 'paper_trade_legs_seq_check', expression: 'seq >= 1' },
    { name: 'paper_trade_legs_quantity_check', expression: 'quantity >= 0' },
  ],
});
export type TradeLeg = InferEntity<typeof TradeLegSchema>;
