// Start-up hydration: every OPEN/PENDING trade as the engine's OpenTradeFields, from id ranges of
// binary COPY (binary-copy-reader.ts) on two backends. PostgreSQL sends the columns in their binary form (no
// numeric or timestamp formatting on its side) and a row is read into one reused object: no text per
// field, no row array, no Date, no ISO string.
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES, TRADE_STATUSES } from '../../shared/constants.ts';
import type { OpenTradeFields, OpenTradeSink } from '../engine/ports.ts';
import { BinaryCopyReader, type CopyFieldCursor } from './binary-copy-reader.ts';
import { CopyPrefetch } from './copy-prefetch.ts';
import type { SqlRunner } from './sql-runner.ts';

/** Column order is the decoder's (readOpenTrade): plain columns, so PostgreSQL formats nothing. */
const OPEN_TRADE_COLUMNS = [
  'id', 'signal_id', 'user_id', 'symbol', 'direction', 'market_type', 'timeframe', 'confidence', 'leverage',
  'entry_price', 'entry_time', 'position_size', 'quantity', 'take_profit', 'stop_loss', 'status', 'price_gap',
  'created_at', 'updated_at', 'exit_price', 'exit_time', 'fees', 'profit_loss', 'profit_loss_percentage',
];

/** One tuple of OPEN_TRADE_COLUMNS into `f` (overwritten for every row). */
export function readOpenTrade(c: CopyFieldCursor, f: OpenTradeFields): void {
  f.id = c.int8();
  f.signalId = c.int8OrNull();
  f.userId = c.int8OrNull();
  f.symbol = c.text();
  f.direction = c.oneOf(DIRECTIONS);
  f.marketType = c.oneOf(MARKET_TYPES);
  f.timeframe = c.oneOf(TIMEFRAMES);
  f.confidence = c.numeric();
  f.leverage = c.int4();
  f.entryPrice = c.numeric();
  f.openedAt = c.timestampMs();
  f.positionSize = c.numeric();
  f.quantity = c.numeric();
  f.takeProfit = c.numeric();
  f.stopLoss = c.numeric();
  f.status = c.oneOf(TRADE_STATUSES);
  f.priceGap = c.bool();
  f.createdAt = c.timestampMs();
  f.updatedAt = c.timestampMs();
  f.exitPrice = c.numericOrNull();
  f.exitTime = c.timestampMsOrNull();
  f.fees = c.numericOrNull();
  f.profitLoss = c.numericOrNull();
  f.profitLossPercentage = c.numericOrNull();
}

/** A fields object of the final shape, for readOpenTrade to fill. */
function blankFields(): OpenTradeFields {
  return {
    id: 0, signalId: null, userId: null, symbol: '', direction: 'LONG', marketType: 'SPOT', timeframe: '1m',
    confidence: 0, leverage: 0, entryPrice: 0, openedAt: 0, positionSize: 0, quantity: 0, takeProfit: 0,
    stopLoss: 0, status: 'OPEN', priceGap: false, createdAt: 0, updatedAt: 0, exitPrice: null, exitTime: null,
    fees: null, profitLoss: null, profitLossPercentage: null,
  };
}

/** An id inlined into COPY's SQL (COPY takes no bind parameters). */
function idLiteral(id: number): string {
  if (!Number.isSafeInteger(id)) throw new RangeError(`not an id: ${id}`);
  return String(id);
}

/** Open trades with ids in [from, to), at most `limit`, by id. */
function rangeCopy(from: number, to: number, limit: number): string {
  return `copy (select ${OPEN_TRADE_COLUMNS.join(', ')} from paper_trades
    where status in ('OPEN', 'PENDING') and id >= ${idLiteral(from)} and id < ${idLiteral(to)}
    order by id limit ${idLiteral(limit)}) to stdout (format binary)`;
}

interface RangeFetch {
  to: number;
  copy: CopyPrefetch;
}

/**
 * Streams every OPEN/PENDING trade (system and user) to the sink by ascending id, after telling it
 * how many there are. Id ranges sized for about `pageSize` rows each (from count, min and max id) are
 * produced on two backends at once: the next range is buffered (at most `pageSize` rows) while the
 * current one is applied. A range holding more than `pageSize` rows continues from its last id before
 * the next range is applied, so order is by id and no statement returns more than `pageSize` rows.
 * The sink gets the same object for every row (OpenTradeFields may be reused). Returns the count.
 */
export async function streamOpenTrades(db: SqlRunner, sink: OpenTradeSink, pageSize = 100_000): Promise<number> {
  const [span] = await db.query(`select count(*)::int8 as n, min(id) as lo, max(id) as hi from paper_trades where status in ('OPEN', 'PENDING')`);
  const count = Number(span?.n ?? 0);
  sink.expect(count);
  if (count === 0) return 0;
  const lo = Number(span!.lo);
  const hi = Number(span!.hi);
  const width = Math.max(1, Math.ceil(((hi - lo + 1) * pageSize) / count));
  const fetch = (from: number, to: number): RangeFetch => ({ to, copy: new CopyPrefetch(db, rangeCopy(from, to, pageSize)) });
  const after = (r: RangeFetch): RangeFetch | null => (r.to > hi ? null : fetch(r.to, r.to + width));
  const f = blankFields();
  let total = 0;
  let current = fetch(lo, lo + width);
  let next = after(current);
  for (;;) {
    const reader = new BinaryCopyReader(OPEN_TRADE_COLUMNS.length, (c) => {
      readOpenTrade(c, f);
      sink.trade(f);
    });
    await current.copy.drainInto((chunk) => reader.push(chunk));
    reader.finish();
    total += reader.tuples;
    if (reader.tuples === pageSize) {
      current = fetch(f.id + 1, current.to);
    } else if (next !== null) {
      current = next;
      next = after(current);
    } else {
      return total;
    }
  }
}
