// Read queries over paper_trades for REST (lists, metrics), always through a TradeScope.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import type { PerformanceQuery } from '../../shared/metrics/index.ts';
import { TRADE_COLUMNS, tradeRowFromDb } from '../persistence/rows.ts';
import { tradeRowToJson } from '../persistence/trade-mapper.ts';
import { toStoreError } from '../persistence/errors.ts';
import type { ListQuery } from './list-query.ts';
import type { ListCursor } from './list-cursor.ts';
import { closedStatusSql, scopeCondition, type TradeScope } from '../privacy/trade-scope.ts';
import { attachLegs } from '../persistence/trade-legs.ts';
import type { TradeRow } from '../persistence/rows.ts';
import { METRIC_TRADE_COLUMNS, metricTradeFromRow } from '../persistence/metric-trade-row.ts';

const ORDER_COLUMNS: Record<string, string> = {
  entry_time: 'entry_time',
  exit_time: 'exit_time',
  profit_loss: 'profit_loss',
};

/** The list's column filters, each an equality on its column. */
export const LIST_FILTER_KEYS = ['status', 'symbol', 'direction', 'market_type', 'timeframe', 'bot'] as const;
export type ListFilters = Partial<Pick<ListQuery, (typeof LIST_FILTER_KEYS)[number]>>;

/**
 * `unlisted`: bots out of the all-bots record (SPEC §11, server/engine/listed-bots.ts), left out
 * of a public read that names no bot; a read of one bot (`?bot=`) has its trades whatever its listing.
 */
function where(scope: TradeScope, f: ListFilters, params: unknown[], unlisted: readonly string[] = []): string {
  const parts = [scopeCondition(scope, params)];
  for (const key of LIST_FILTER_KEYS) {
    const v = f[key];
    if (v !== undefined) {
      parts.push(`${key} = ?`);
      params.push(v);
    }
  }
  if (scope.kind === 'public' && f.bot === undefined && unlisted.length > 0) {
    parts.push(`(bot IS NULL OR bot NOT IN (${unlisted.map(() => '?').join(', ')}))`);
    params.push(...unlisted);
  }
  return parts.join(' AND ');
}

export class TradeQueries {
  /** `unlisted`: the bots the all-bots record leaves out now (none without it). */
  constructor(
    private orm: MikroORM,
    private readonly unlisted: () => readonly string[] = () => [],
  ) {}

  /** Managed trades' legs, read for the rows that carry them (SPEC §9). */
  private withLegs(rows: TradeRow[]): Promise<TradeRow[]> {
    return attachLegs({ query: (sql, params) => this.rows(sql, [...(params ?? [])]) }, rows);
  }

  private async rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return await this.orm.em.fork().getConnection().execute(sql, params, 'all');
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async listTrades(scope: TradeScope, q: ListQuery): Promise<{ count: number; results: TradeJson[] }> {
    const count = await this.countTrades(scope, q);
    const { results } = await this.tradePage(scope, q, { offset: (q.page - 1) * q.page_size }, q.page_size);
    return { count, results };
  }

  async countTrades(scope: TradeScope, f: ListFilters): Promise<number> {
    const params: unknown[] = [];
    const [row] = await this.rows(`SELECT count(*)::int AS n FROM paper_trades WHERE ${where(scope, f, params, this.unlisted())}`, params);
    return Number(row?.n ?? 0);
  }

  /**
   * One page in `q.ordering` (NULLs last, then id), from an offset or after a keyset cursor (the
   * last row of the previous page); `cursors[i]` is the cursor that continues after `results[i]`.
   */
  async tradePage(
    scope: TradeScope,
    q: ListQuery,
    from: { offset: number } | { after: ListCursor },
    limit: number,
  ): Promise<{ results: TradeJson[]; cursors: ListCursor[] }> {
    const params: unknown[] = [];
    let cond = where(scope, q, params, this.unlisted());
    const desc = q.ordering.startsWith('-');
    const col = ORDER_COLUMNS[q.ordering.replace(/^-/, '')] ?? 'entry_time';
    // entry_time is NOT NULL: without NULLS LAST its index serves the order (1.3 ms instead of a
    // 110 ms sort of every system trade per page at 300k, benchmarks/reads-bench.ts).
    const dir = (desc ? 'DESC' : 'ASC') + (col === 'entry_time' ? '' : ' NULLS LAST');
    let offset = 0;
    if ('after' in from) {
      const { value, id } = from.after;
      const cmp = desc ? '<' : '>';
      const cast = col === 'profit_loss' ? 'numeric' : 'timestamptz';
      if (value === null) {
        cond += ` AND ${col} IS NULL AND id ${cmp} ?`;
        params.push(id);
      } else if (col === 'entry_time') {
        // NOT NULL, and the leading `<=`/`>=` is a range on its index: a page costs the same at any depth.
        cond += ` AND ${col} ${cmp}= ?::${cast} AND (${col} ${cmp} ?::${cast} OR id ${cmp} ?)`;
        params.push(value, value, id);
      } else {
        cond += ` AND (${col} ${cmp} ?::${cast} OR (${col} = ?::${cast} AND id ${cmp} ?) OR ${col} IS NULL)`;
        params.push(value, value, id);
      }
    } else offset = from.offset;
    const rows = await this.rows(
      `SELECT ${TRADE_COLUMNS}, ${col}::text AS cursor_value FROM paper_trades WHERE ${cond} ORDER BY ${col} ${dir}, id ${desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    return {
      results: (await this.withLegs(rows.map(tradeRowFromDb))).map(tradeRowToJson),
      cursors: rows.map((r) => ({ ordering: q.ordering, value: r.cursor_value === null ? null : String(r.cursor_value), id: Number(r.id) })),
    };
  }

  async metricTrades(scope: TradeScope, f: PerformanceQuery, now: number): Promise<MetricTrade[]> {
    const params: unknown[] = [];
    let cond = where(scope, f, params, this.unlisted());
    if (f.days !== undefined) {
      cond += ' AND entry_time >= ?';
      params.push(new Date(now - f.days * 86_400_000));
    }
    const rows = await this.rows(`SELECT ${METRIC_TRADE_COLUMNS} FROM paper_trades WHERE ${cond}`, params);
    return rows.map(metricTradeFromRow);
  }

  /** One trade by id, or null when it does not exist in the scope (another user's trade is "not found"). */
  async getTrade(scope: TradeScope, id: number): Promise<TradeJson | null> {
    const params: unknown[] = [];
    const cond = scopeCondition(scope, params);
    const [row] = await this.rows(`SELECT ${TRADE_COLUMNS} FROM paper_trades WHERE ${cond} AND id = ?`, [...params, id]);
    return row ? tradeRowToJson((await this.withLegs([tradeRowFromDb(row)]))[0]!) : null;
  }

  /** The scope's latest closes (the public scope's: of the all-bots record). */
  async recentClosed(scope: TradeScope, limit: number): Promise<TradeJson[]> {
    const params: unknown[] = [];
    const cond = where(scope, {}, params, this.unlisted());
    const rows = await this.rows(`SELECT ${TRADE_COLUMNS} FROM paper_trades WHERE ${cond} AND ${closedStatusSql()} ORDER BY exit_time DESC, id DESC LIMIT ?`, [
      ...params,
      limit,
    ]);
    return (await this.withLegs(rows.map(tradeRowFromDb))).map(tradeRowToJson);
  }
}
