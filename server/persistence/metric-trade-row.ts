// The database row → MetricTrade mapper, with the SPEC §12 initial risk: one select list and one
// mapping for performance/'s SQL read and the in-memory record's start-up read. A row without an
// initial stop (older rows, imports) has the stop it was written with, as its TradeJson says.
import { initialRisk, type MetricTrade } from '../../shared/metrics/index.ts';

export const METRIC_TRADE_COLUMNS =
  'id, symbol, direction, timeframe, market_type, status, entry_time, exit_time, profit_loss, fees, entry_price, coalesce(initial_stop_loss, stop_loss) as initial_stop_loss, quantity, bot';

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// The driver makes a new string per row and column: the in-memory record (one object per system
// trade, kept for the process's life) shares one per value instead (~100 B a trade less, P9).
const interned = new Map<string, string>();
const MAX_INTERNED = 50_000;
function intern(v: unknown): string {
  const s = String(v);
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(s, s);
  return s;
}

export function metricTradeFromRow(r: Record<string, unknown>): MetricTrade {
  const fees = numOrNull(r.fees);
  return {
    id: Number(r.id),
    symbol: intern(r.symbol),
    bot: r.bot === null || r.bot === undefined ? null : intern(r.bot),
    direction: intern(r.direction) as MetricTrade['direction'],
    timeframe: intern(r.timeframe) as MetricTrade['timeframe'],
    market_type: intern(r.market_type) as MetricTrade['market_type'],
    status: intern(r.status) as MetricTrade['status'],
    entry_time: toMs(r.entry_time) as number,
    exit_time: toMs(r.exit_time),
    profit_loss: numOrNull(r.profit_loss),
    fees,
    initial_risk: initialRisk(Number(r.entry_price), numOrNull(r.initial_stop_loss), Number(r.quantity), fees),
  };
}

function toMs(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  return Date.parse(
    String(v)
      .replace(' ', 'T')
      .replace(/([+-]\d\d)$/, '$1:00'),
  );
}
