// Start-up hydration: every OPEN/PENDING trade as a TradeRecord (shared/trade-json.ts), from keyset pages of
// binary COPY (binary-copy-reader.ts). PostgreSQL sends the columns in their binary form (no
// numeric or timestamp formatting on its side) and a row is read into one reused object: no text per
// field, no row array, no Date, no ISO string.
import { DIRECTIONS, MARKET_TYPES, TIMEFRAMES, TRADE_STATUSES } from '../../shared/constants.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';
import type { OpenTradeSink } from '../engine/ports.ts';
import { BinaryCopyReader, type CopyFieldCursor } from './binary-copy-reader.ts';
import type { SqlRunner } from './sql-runner.ts';
import { openStatusSql } from '../privacy/trade-scope.ts';

/** Column order is the decoder's (readOpenTrade): plain columns, so PostgreSQL formats nothing. */
const OPEN_TRADE_COLUMNS = [
  'id',
  'signal_id',
  'user_id',
  'symbol',
  'direction',
  'market_type',
  'timeframe',
  'confidence',
  'leverage',
  'entry_price',
  'entry_time',
  'position_size',
  'quantity',
  'take_profit',
  'stop_loss',
  'status',
  'price_gap',
  'created_at',
  'updated_at',
  'exit_price',
  'exit_time',
  'fees',
  'profit_loss',
  'profit_loss_percentage',
  'bot',
];

/** Bot names seen by this process's hydration reads (few; see internedTextOrNull). */
const BOT_NAMES: string[] = [];

/** One tuple of OPEN_TRADE_COLUMNS into `f` (overwritten for every row). */
export function readOpenTrade(c: CopyFieldCursor, f: TradeRecord): void {
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
  f.bot = c.internedTextOrNull(BOT_NAMES);
}

/** A record of the final shape, for readOpenTrade to fill. */
function blankRecord(): TradeRecord {
  return {
    id: 0,
    signalId: null,
    userId: null,
    bot: null,
    symbol: '',
    direction: 'LONG',
    marketType: 'SPOT',
    timeframe: '1m',
    confidence: 0,
    leverage: 0,
    entryPrice: 0,
    openedAt: 0,
    positionSize: 0,
    quantity: 0,
    takeProfit: 0,
    stopLoss: 0,
    status: 'OPEN',
    priceGap: false,
    createdAt: 0,
    updatedAt: 0,
    exitPrice: null,
    exitTime: null,
    fees: null,
    profitLoss: null,
    profitLossPercentage: null,
  };
}

/** An id inlined into COPY's SQL (COPY takes no bind parameters). */
function idLiteral(id: number): string {
  if (!Number.isSafeInteger(id)) throw new RangeError(`not an id: ${id}`);
  return String(id);
}

/**
 * Streams every OPEN/PENDING trade (system and user) to the sink by ascending id, after telling it
 * how many there are, `pageSize` rows per COPY, paging on id so no statement runs for the whole
 * start-up. PostgreSQL writes a page into the socket while Node applies it, so production already
 * overlaps the Node work. The sink gets the same record object for every row (OpenTradeSink). Returns the count.
 */
export async function streamOpenTrades(db: SqlRunner, sink: OpenTradeSink, pageSize = 100_000): Promise<number> {
  // Counted before the first page (~0.1 s at 1M when nothing else scans): counted beside it, the
  // count came in at 0.3-0.5 s and the book grew and rehashed the rows loaded meanwhile.
  const [row] = await db.query(`select count(*)::int8 as n from paper_trades where ${openStatusSql()}`);
  sink.expect(Number(row?.n ?? 0));
  const f = blankRecord();
  let lastId = 0;
  let total = 0;
  for (;;) {
    const reader = new BinaryCopyReader(OPEN_TRADE_COLUMNS.length, (c) => {
      readOpenTrade(c, f);
      lastId = f.id;
      sink.trade(f);
    });
    const sql = `copy (select ${OPEN_TRADE_COLUMNS.join(', ')} from paper_trades
      where ${openStatusSql()} and id > ${idLiteral(lastId)} order by id limit ${idLiteral(pageSize)}) to stdout (format binary)`;
    await db.copyOut(sql, (chunk) => reader.push(chunk));
    reader.finish();
    total += reader.tuples;
    if (reader.tuples < pageSize) return total;
  }
}
