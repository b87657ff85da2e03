// Read side of the trade store: single trades, filtered lists, and keyset-paged hydration.
import type { Direction, MarketType, Timeframe, TradeStatus } from '../../shared/constants.ts';
import { TRADE_COLUMNS, tradeRowFromDb, type TradeRow } from './rows.ts';
import type { SqlRunner } from './sql-runner.ts';

export interface TradeFilters {
  direction?: Direction;
  symbol?: string;
  marketType?: MarketType;
  timeframe?: Timeframe;
}

export interface ClosedTradeFilters extends TradeFilters {
  /** Only trades closed within the last `days` days before `now`. */
  days?: number;
  now?: Date;
}

export const TRADE_ORDERINGS = ['entry_time', 'exit_time', 'profit_loss', '-entry_time', '-exit_time', '-profit_loss'] as const;
export type TradeOrdering = (typeof TRADE_ORDERINGS)[number];

export interface SystemTradePage extends TradeFilters {
  /** 1-based. */
  page: number;
  pageSize: number;
  status?: TradeStatus;
  /** Default `-entry_time` (newest first). */
  ordering?: TradeOrdering;
}

const CLOSED_SQL = `status in ('CLOSED_TP', 'CLOSED_SL', 'CLOSED_MANUAL', 'CLOSED_EXPIRED')`;

function filterSql(f: TradeFilters, where: string[], bindings: unknown[]): void {
  if (f.direction) (where.push('direction = ?'), bindings.push(f.direction));
  if (f.symbol) (where.push('symbol = ?'), bindings.push(f.symbol));
  if (f.marketType) (where.push('market_type = ?'), bindings.push(f.marketType));
  if (f.timeframe) (where.push('timeframe = ?'), bindings.push(f.timeframe));
}

export async function getTrade(db: SqlRunner, id: number): Promise<TradeRow | null> {
  const rows = await db.query(`select ${TRADE_COLUMNS} from paper_trades where id = ?`, [id]);
  return rows[0] ? tradeRowFromDb(rows[0]) : null;
}

/** Closed system trades, oldest exit first (the order metrics and the equity curve need). */
export async function listClosedSystemTrades(db: SqlRunner, f: ClosedTradeFilters = {}): Promise<TradeRow[]> {
  const where = ['user_id is null', CLOSED_SQL];
  const bindings: unknown[] = [];
  filterSql(f, where, bindings);
  if (f.days !== undefined) {
    where.push('exit_time >= ?');
    bindings.push(new Date((f.now ?? new Date()).getTime() - f.days * 86_400_000));
  }
  const rows = await db.query(
    `select ${TRADE_COLUMNS} from paper_trades where ${where.join(' and ')} order by exit_time asc, id asc`,
    bindings,
  );
  return rows.map(tradeRowFromDb);
}

/** One page of system trades plus the total count (REST list). */
export async function listSystemTrades(db: SqlRunner, q: SystemTradePage): Promise<{ count: number; rows: TradeRow[] }> {
  const where = ['user_id is null'];
  const bindings: unknown[] = [];
  filterSql(q, where, bindings);
  if (q.status) (where.push('status = ?'), bindings.push(q.status));
  const ordering = q.ordering ?? '-entry_time';
  const column = ordering.replace(/^-/, '');
  const dir = ordering.startsWith('-') ? 'desc' : 'asc';
  // Whitelisted column; nulls (open trades' exit/pl) last either way; id breaks ties.
  const orderBy = `${column} ${dir} nulls last, id ${dir}`;
  const whereSql = where.join(' and ');
  const [countRows, rows] = await Promise.all([
    db.query(`select count(*)::int as n from paper_trades where ${whereSql}`, bindings),
    db.query(`select ${TRADE_COLUMNS} from paper_trades where ${whereSql} order by ${orderBy} limit ? offset ?`, [
      ...bindings,
      q.pageSize,
      (q.page - 1) * q.pageSize,
    ]),
  ]);
  return { count: Number(countRows[0]?.n ?? 0), rows: rows.map(tradeRowFromDb) };
}

/**
 * Streams every OPEN/PENDING trade (system and user) to `onRow`, `batchSize` rows per query,
 * paging on id so memory stays flat however many trades are open. Returns the count.
 */
export async function hydrateOpenTrades(
  db: SqlRunner,
  onRow: (row: TradeRow) => void,
  batchSize = 10_000,
): Promise<number> {
  let lastId = 0;
  let total = 0;
  for (;;) {
    const rows = await db.query(
      `select ${TRADE_COLUMNS} from paper_trades where status in ('OPEN', 'PENDING') and id > ? order by id limit ?`,
      [lastId, batchSize],
    );
    for (const raw of rows) onRow(tradeRowFromDb(raw));
    total += rows.length;
    if (rows.length < batchSize) return total;
    lastId = Number(rows[rows.length - 1]!.id);
  }
}

/** Most recently closed system trades, newest first. */
export async function recentClosedSystemTrades(db: SqlRunner, limit: number): Promise<TradeRow[]> {
  const rows = await db.query(
    `select ${TRADE_COLUMNS} from paper_trades where user_id is null and ${CLOSED_SQL}
     order by exit_time desc, id desc limit ?`,
    [limit],
  );
  return rows.map(tradeRowFromDb);
}

/** Every system trade (open and closed), paged on id; `onRow` receives the raw columns needed for metrics. */
export async function forEachSystemTrade(
  db: SqlRunner,
  onRow: (row: TradeRow) => void,
  batchSize = 20_000,
): Promise<number> {
  let lastId = 0;
  let total = 0;
  for (;;) {
    const rows = await db.query(
      `select ${TRADE_COLUMNS} from paper_trades where user_id is null and id > ? order by id limit ?`,
      [lastId, batchSize],
    );
    for (const raw of rows) onRow(tradeRowFromDb(raw));
    total += rows.length;
    if (rows.length < batchSize) return total;
    lastId = Number(rows[rows.length - 1]!.id);
  }
}
