// Start-up hydration: every OPEN/PENDING trade as the engine's OpenTradeFields, streamed from keyset
// pages as arrays of text (SqlRunner.stream). PostgreSQL sends times as epoch milliseconds, so a row
// costs one small object and a few Number() calls: no row object, no Date, no ISO string.
import type { Direction, MarketType, Timeframe, TradeStatus } from '../../shared/constants.ts';
import type { OpenTradeFields } from '../engine/ports.ts';
import type { SqlRunner } from './sql-runner.ts';

/**
 * Epoch ms truncated to the millisecond, as parseTimestamp reads the text form. date_trunc first, so
 * the float8 `date_part` (cheaper for the server than numeric `extract`) is within 1e-4 ms of a whole
 * millisecond and the rounding cast to int8 lands on it exactly.
 */
const ms = (col: string): string => `(date_part('epoch', date_trunc('milliseconds', ${col})) * 1000)::int8`;

/** Column order is the decoder's (fieldsFromText). Money stays NUMERIC text, parsed as the product always has. */
const OPEN_TRADE_COLUMNS = [
  'id', 'signal_id', 'user_id', 'symbol', 'direction', 'market_type', 'timeframe', 'confidence', 'leverage',
  'entry_price', ms('entry_time'), 'position_size', 'quantity', 'take_profit', 'stop_loss', 'status', 'price_gap',
  ms('created_at'), ms('updated_at'), 'exit_price', ms('exit_time'), 'fees', 'profit_loss', 'profit_loss_percentage',
].join(', ');

const numOrNull = (v: string | null): number | null => (v === null ? null : Number(v));

/** One row of OPEN_TRADE_COLUMNS (PostgreSQL text; booleans are `t`/`f`). */
export function fieldsFromText(v: (string | null)[]): OpenTradeFields {
  return {
    id: Number(v[0]),
    signalId: numOrNull(v[1]!),
    userId: numOrNull(v[2]!),
    symbol: v[3] as string,
    direction: v[4] as Direction,
    marketType: v[5] as MarketType,
    timeframe: v[6] as Timeframe,
    confidence: Number(v[7]),
    leverage: Number(v[8]),
    entryPrice: Number(v[9]),
    openedAt: Number(v[10]),
    positionSize: Number(v[11]),
    quantity: Number(v[12]),
    takeProfit: Number(v[13]),
    stopLoss: Number(v[14]),
    status: v[15] as TradeStatus,
    priceGap: v[16] === 't',
    createdAt: Number(v[17]),
    updatedAt: Number(v[18]),
    exitPrice: numOrNull(v[19]!),
    exitTime: numOrNull(v[20]!),
    fees: numOrNull(v[21]!),
    profitLoss: numOrNull(v[22]!),
    profitLossPercentage: numOrNull(v[23]!),
  };
}

/**
 * Streams every OPEN/PENDING trade (system and user) to `onTrade` by ascending id, `pageSize` rows
 * per query, paging on id so no statement runs for the whole start-up. Returns the count.
 */
export async function streamOpenTrades(db: SqlRunner, onTrade: (f: OpenTradeFields) => void, pageSize = 100_000): Promise<number> {
  const sql = `select ${OPEN_TRADE_COLUMNS} from paper_trades where status in ('OPEN', 'PENDING') and id > $1 order by id limit $2`;
  let lastId = 0;
  let total = 0;
  for (;;) {
    const n = await db.stream(sql, [lastId, pageSize], (row) => {
      const f = fieldsFromText(row);
      lastId = f.id;
      onTrade(f);
    });
    total += n;
    if (n < pageSize) return total;
  }
}
