// The SPEC §9 fields of a plain single-target open trade, for tests that write a TradeJson by hand
// (what shared/trade-json.ts tradeJson derives for such a trade).
import type { TradeJson } from '../../shared/protocol-types.ts';

type PlanFields = Pick<
  TradeJson,
  'targets' | 'legs' | 'remaining_quantity' | 'realized_profit_loss' | 'initial_stop_loss' | 'exit_reason' | 'sl_mode' | 'trailing_stop'
>;

/** A TradeJson written by hand, §9 fields and `bot` (null: a user's trade) optional. */
export type PlainTradeJson = Omit<TradeJson, keyof PlanFields | 'bot'> & Partial<PlanFields> & { bot?: string | null };

export function singleTargetFields(t: Pick<TradeJson, 'take_profit' | 'stop_loss' | 'quantity'>): PlanFields {
  return {
    targets: [{ level: t.take_profit, share: 1, filled_at: null }],
    legs: [],
    remaining_quantity: t.quantity,
    realized_profit_loss: 0,
    initial_stop_loss: t.stop_loss,
    exit_reason: null,
    sl_mode: 'fixed',
    trailing_stop: null,
  };
}

/** A hand-written trade completed with the single-target §9 fields (kept where given), in the wire's key order. */
export function withSingleTarget(t: PlainTradeJson): TradeJson {
  const fields = singleTargetFields(t);
  const { id, signal_id, bot = null, ...rest } = t;
  return { id, signal_id, bot, ...rest, ...fields, ...definedOnly(t, Object.keys(fields) as Array<keyof PlanFields>) } as TradeJson;
}

function definedOnly(t: PlainTradeJson, keys: ReadonlyArray<keyof PlanFields>): Partial<PlanFields> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (t[k] !== undefined) out[k] = t[k];
  return out as Partial<PlanFields>;
}

/** A plain open LONG BTCUSDT trade (entry 100, quantity 3 on 300 USDT, TP 130, SL 90), fields overridable. */
export function openTradeJson(over: Partial<TradeJson> = {}): TradeJson {
  return withSingleTarget({
    id: 1,
    signal_id: null,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    market_type: 'SPOT',
    timeframe: '1h',
    confidence: 0.5,
    leverage: 1,
    entry_price: 100,
    entry_time: '2026-01-01T00:00:00.000Z',
    position_size: 300,
    quantity: 3,
    take_profit: 130,
    stop_loss: 90,
    status: 'OPEN',
    exit_price: null,
    exit_time: null,
    fees: null,
    profit_loss: null,
    profit_loss_percentage: null,
    price_gap: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...over,
  });
}
