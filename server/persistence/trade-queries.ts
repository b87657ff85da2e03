// Read side of the trade store: single trades, recent closes, and the summary's start-up totals.
import type { ClosedPl, TradeTotals } from '../../shared/metrics/index.ts';
import { TRADE_COLUMNS, parseTimestamp, tradeRowFromDb, type TradeRow } from './rows.ts';
import type { SqlRunner } from './sql-runner.ts';
import { attachLegs } from './trade-legs.ts';
import { closedStatusSql, systemTradeSql } from '../privacy/trade-scope.ts';

export async function getTrade(db: SqlRunner, id: number): Promise<TradeRow | null> {
  const rows = await db.query(`select ${TRADE_COLUMNS} from paper_trades where id = ?`, [id]);
  return rows[0] ? (await attachLegs(db, [tradeRowFromDb(rows[0])]))[0]! : null;
}

/** Most recently closed system trades, newest first. */
export async function recentClosedSystemTrades(db: SqlRunner, limit: number): Promise<TradeRow[]> {
  const rows = await db.query(
    `select ${TRADE_COLUMNS} from paper_trades where ${systemTradeSql()} and ${closedStatusSql()}
     order by exit_time desc, id desc limit ?`,
    [limit],
  );
  return attachLegs(db, rows.map(tradeRowFromDb));
}

/**
 * System trades reduced to the live summary's inputs (SPEC §3): open and cancelled trades only
 * count, so they are counted in SQL; closed trades come as (id, exit time, P/L, fees).
 */
export async function systemTradeTotals(db: SqlRunner): Promise<TradeTotals> {
  // The wall's own condition: user trades never reach the summary.
  const system = systemTradeSql();
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
       from paper_trades where ${system} and ${closedStatusSql()}`,
  );
  const closed: ClosedPl[] = rows.map((r) => ({
    id: Number(r.id),
    exit_time: parseTimestamp(r.exit_time).getTime(),
    profit_loss: r.profit_loss === null ? null : Number(r.profit_loss),
    fees: r.fees === null ? null : Number(r.fees),
  }));
  return { total: Number(counts?.total ?? 0), cancelled: Number(counts?.cancelled ?? 0), closed };
}
