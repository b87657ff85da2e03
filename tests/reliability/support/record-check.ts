// The "nothing lost" invariants (issue 8), checked against the database a server runs on:
// every acked signal has exactly one system trade, no signal has two, the book's open set is the
// database's, the public summary is a recomputation from the database, and every close a viewer
// saw is the close the database holds.
import knex, { type Knex } from 'knex';
import type { SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';
import { computePerformance, type MetricTrade } from '../../../shared/metrics/index.ts';
import type { Direction, MarketType, Timeframe, TradeStatus } from '../../../shared/constants.ts';

export interface DbTrade {
  id: number;
  signal_id: number | null;
  status: TradeStatus;
  exit_price: number | null;
  exit_time: number | null;
}

export function openKnex(url: string): Knex {
  return knex({ client: 'pg', connection: { connectionString: url, connectionTimeoutMillis: 5000 }, pool: { min: 0, max: 2 } });
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ms = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());

export async function systemTrades(k: Knex): Promise<{ rows: DbTrade[]; metric: MetricTrade[] }> {
  const res = await k.raw(
    `select id, signal_id, symbol, direction, timeframe, market_type, status, entry_time, exit_time, exit_price, profit_loss, fees
       from paper_trades where user_id is null order by id`,
  );
  const rows: DbTrade[] = [];
  const metric: MetricTrade[] = [];
  for (const r of res.rows as Array<Record<string, unknown>>) {
    rows.push({ id: Number(r.id), signal_id: num(r.signal_id), status: r.status as TradeStatus, exit_price: num(r.exit_price), exit_time: ms(r.exit_time) });
    metric.push({
      id: Number(r.id),
      symbol: r.symbol as string,
      direction: r.direction as Direction,
      timeframe: r.timeframe as Timeframe,
      market_type: r.market_type as MarketType,
      status: r.status as TradeStatus,
      entry_time: ms(r.entry_time)!,
      exit_time: ms(r.exit_time),
      profit_loss: num(r.profit_loss),
      fees: num(r.fees),
    });
  }
  return { rows, metric };
}

export interface RecordCheck {
  /** Problems found; empty = the invariants hold. */
  problems: string[];
  trades: number;
  closed: number;
}

export interface SeenByViewers {
  /** signal_id → trade_id of every successful ack. */
  acked: Map<number, number | null>;
  /** Every `closed` event a public viewer received, by trade id. */
  closed: Map<number, TradeJson>;
  /** Every `opened` event a public viewer received. */
  opened: Set<number>;
}

/**
 * Checks a running server against its database. `unrealized` is the live summary's own figure (it
 * depends on prices the database does not hold); everything else must equal the recomputation.
 */
export async function checkRecord(k: Knex, baseUrl: string, seen: SeenByViewers): Promise<RecordCheck> {
  const problems: string[] = [];
  const { rows, metric } = await systemTrades(k);
  const bySignal = new Map<number, DbTrade[]>();
  for (const r of rows) if (r.signal_id !== null) bySignal.set(r.signal_id, [...(bySignal.get(r.signal_id) ?? []), r]);
  for (const [signalId, list] of bySignal) if (list.length > 1) problems.push(`signal ${signalId} has ${list.length} system trades`);
  for (const [signalId, tradeId] of seen.acked) {
    const list = bySignal.get(signalId) ?? [];
    if (list.length !== 1) problems.push(`acked signal ${signalId} has ${list.length} system trades`);
    else if (tradeId !== null && list[0]!.id !== tradeId) problems.push(`acked signal ${signalId}: ack said trade ${tradeId}, db has ${list[0]!.id}`);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of seen.opened) if (!byId.has(id)) problems.push(`viewer saw trade ${id} opened; the db has no such trade`);
  for (const [id, t] of seen.closed) {
    const r = byId.get(id);
    if (!r) problems.push(`viewer saw trade ${id} closed; the db has no such trade`);
    else if (r.status !== t.status || r.exit_price !== t.exit_price) {
      problems.push(`viewer saw trade ${id} ${t.status}@${t.exit_price}; the db holds ${r.status}@${r.exit_price}`);
    }
  }
  for (const r of rows) {
    if (r.status.startsWith('CLOSED_') && (r.exit_price === null || r.exit_time === null)) problems.push(`trade ${r.id} is ${r.status} without exit`);
  }

  const dbOpen = rows
    .filter((r) => r.status === 'OPEN' || r.status === 'PENDING')
    .map((r) => r.id)
    .sort((a, b) => a - b);
  const open = (await (await fetch(`${baseUrl}/api/public/paper-trading/open-positions/`)).json()) as TradeJson[];
  const bookOpen = open.map((t) => t.id).sort((a, b) => a - b);
  if (JSON.stringify(dbOpen) !== JSON.stringify(bookOpen)) {
    problems.push(`open set differs: db ${dbOpen.length} (${diff(dbOpen, bookOpen)}), book ${bookOpen.length} (${diff(bookOpen, dbOpen)})`);
  }
  const summary = ((await (await fetch(`${baseUrl}/api/public/paper-trading/summary/`)).json()) as { performance: SummaryJson }).performance;
  // SPEC §9: the legs already filled of open system trades, apart from the closed trades' figures.
  const legs = await k.raw(
    `select coalesce(sum(l.profit_loss), 0)::text as v from paper_trade_legs l join paper_trades t on t.id = l.trade_id
     where t.user_id is null and t.status in ('OPEN', 'PENDING')`,
  );
  const recomputed: SummaryJson = {
    ...computePerformance(metric, { unrealizedProfitLoss: summary.unrealized_profit_loss }),
    open_realized_profit_loss: Number((legs as { rows: Array<{ v: string }> }).rows[0]!.v),
  };
  for (const key of Object.keys(summary) as Array<keyof SummaryJson>) {
    if (summary[key] !== recomputed[key]) problems.push(`summary.${key}: page ${summary[key]}, db ${recomputed[key]}`);
  }
  return { problems, trades: rows.length, closed: rows.filter((r) => r.status.startsWith('CLOSED_')).length };
}

function diff(a: number[], b: number[]): string {
  const s = new Set(b);
  const only = a.filter((x) => !s.has(x));
  return only.length ? `only here: ${only.slice(0, 5).join(',')}${only.length > 5 ? '…' : ''}` : 'same';
}
