// Settled system trades read at start: the most recent closes for SignalQualityService (bounded),
// and every closed or cancelled one, compact, for the in-memory performance record.
import type { SqlRunner } from '../persistence/sql-runner.ts';
import { TRADE_COLUMNS, tradeRowFromDb, type TradeRow } from '../persistence/rows.ts';
import { closedStatusSql, openStatusSql, systemTradeSql } from '../privacy/trade-scope.ts';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import { METRIC_TRADE_COLUMNS, metricTradeFromRow } from '../persistence/metric-trade-row.ts';

/** Every system trade no longer open (performance/ counts cancelled ones in total_trades). */
export async function settledSystemMetricTrades(db: Pick<SqlRunner, 'query'>): Promise<MetricTrade[]> {
  const rows = await db.query(`select ${METRIC_TRADE_COLUMNS} from paper_trades where ${systemTradeSql()} and not (${openStatusSql()})`);
  return rows.map(metricTradeFromRow);
}

export async function recentClosedSystemTrades(db: Pick<SqlRunner, 'query'>, limit = 200_000): Promise<TradeRow[]> {
  const rows = await db.query(
    // Closed statuses only (what SignalQualityService.hydrate keeps): the limit counts no cancelled
    // rows, and the status index spares a scan of every open trade (~200 ms at 1M open).
    `select ${TRADE_COLUMNS} from paper_trades where ${systemTradeSql()} and ${closedStatusSql()} and exit_price is not null
     order by exit_time desc limit ?`,
    [limit],
  );
  const out: TradeRow[] = [];
  for (const r of rows) {
    try {
      out.push(tradeRowFromDb(r));
    } catch {
      // A row this process cannot decode only loses its analytics; it must not stop start-up.
    }
  }
  return out;
}
