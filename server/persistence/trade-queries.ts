// Read side of the trade store: single trades, filtered lists, and the summary's start-up totals.
import type { Direction, MarketType, Timeframe, TradeStatus } from '../../shared/constants.ts';
import type { ClosedPl, TradeTotals } from '../../shared/metrics/index.ts';
import { CLOSED_STATUS_SQL, TRADE_COLUMNS, parseTimestamp, tradeRowFromDb, type TradeRow } from './rows.ts';
import type { SqlRunner } from './sql-runner.ts';
import { PUBLIC_SCOPE, scopeCondition } from '../queries/trade-scope.ts';

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
  const where = ['user_id is null', CLOSED_STATUS_SQL];
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

/** Most recently closed system trades, newest first. */
export async function recentClosedSystemTrades(db: SqlRunner, limit: number): Promise<TradeRow[]> {
  const rows = await db.query(
    `select ${TRADE_COLUMNS} from paper_trades where user_id is null and ${CLOSED_STATUS_SQL}
     order by exit_time desc, id desc limit ?`,
    [limit],
  );
  return rows.map(tradeRowFromDb);
}

/**
 * System trades reduced to the live summary's inputs (SPEC §3): open and cancelled trades only
 * count, so they are counted in SQL; closed trades come as (id, exit time, P/L, fees).
 */
export async function systemTradeTotals(db: SqlRunner): Promise<TradeTotals> {
  // The wall's own condition (server/queries/trade-scope.ts): user trades never reach the summary.
  const system = scopeCondition(PUBLIC_SCOPE, []);
  // A scan of every system trade. Start-up runs it while the rows stream, where parallel workers
  // would only take CPU from the COPY backend and the loop: one backend, however long it takes.
  const [counts] = await db.transaction(async (q) => {
    await q('set local max_parallel_workers_per_gather = 0');
    return q(
      `select count(*)::int8 as total, count(*) filter (where status = 'CANCELLED')::int8 as cancelled
         from paper_trades where ${system}`,
    );
  });
  const rows = await db.query(
    `select id, coalesce(exit_time, entry_time) as exit_time, profit_loss, fees
       from paper_trades where ${system} and ${CLOSED_STATUS_SQL}`,
  );
  const closed: ClosedPl[] = rows.map((r) => ({
    id: Number(r.id),
    exit_time: parseTimestamp(r.exit_time).getTime(),
    profit_loss: r.profit_loss === null ? null : Number(r.profit_loss),
    fees: r.fees === null ? null : Number(r.fees),
  }));
  return { total: Number(counts?.total ?? 0), cancelled: Number(counts?.cancelled ?? 0), closed };
}
