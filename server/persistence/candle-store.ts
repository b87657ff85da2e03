// Candles in PostgreSQL (SPEC §13): one upsert statement per flush batch, derived intervals
// aggregated from the 1m rows in SQL (one round trip, at most MAX_CANDLES_PER_ANSWER rows back),
// retention by age. The merge on conflict is candle.ts `mergeCandles`: high the greatest, low the
// least, open of the earlier first tick, close of the later last tick, ticks summed.
import type { MarketType } from '../../shared/constants.ts';
import { marketOfKey, priceKey, symbolOfKey } from '../../shared/price-key.ts';
import { mergeCandles, type Candle } from '../candles/candle.ts';
import type { CandleStore } from '../candles/candle-ports.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';
import type { RawRow, SqlRunner } from './sql-runner.ts';

const UPSERT = `
insert into candles (market, symbol, start, open, high, low, close, ticks, open_ts, close_ts)
select x.market, x.symbol, to_timestamp(x.start / 1000.0), x.open, x.high, x.low, x.close, x.ticks,
       to_timestamp(x.open_ts / 1000.0), to_timestamp(x.close_ts / 1000.0)
from json_to_recordset(?::json) as x(market text, symbol text, start bigint, open numeric, high numeric, low numeric,
                                      close numeric, ticks int, open_ts bigint, close_ts bigint)
on conflict (market, symbol, start) do update set
  open = case when excluded.open_ts < candles.open_ts then excluded.open else candles.open end,
  open_ts = least(candles.open_ts, excluded.open_ts),
  high = greatest(candles.high, excluded.high),
  low = least(candles.low, excluded.low),
  close = case when excluded.close_ts >= candles.close_ts then excluded.close else candles.close end,
  close_ts = greatest(candles.close_ts, excluded.close_ts),
  ticks = candles.ticks + excluded.ticks`;

// date_bin from the epoch: 5m…4h buckets and 1d at UTC midnight, like the 1m rows' own starts.
const RANGE = `
select (extract(epoch from date_bin(?::interval, start, timestamptz '1970-01-01 00:00:00+00')) * 1000)::bigint as start,
       (array_agg(open order by open_ts))[1] as open, max(high) as high, min(low) as low,
       (array_agg(close order by close_ts desc))[1] as close, sum(ticks)::bigint as ticks,
       (extract(epoch from min(open_ts)) * 1000)::bigint as open_ts, (extract(epoch from max(close_ts)) * 1000)::bigint as close_ts
from candles
where market = ? and symbol = ? and start >= to_timestamp(? / 1000.0) and start < to_timestamp(? / 1000.0)
group by 1 order by 1`;

export class PgCandleStore implements CandleStore {
  constructor(private readonly db: SqlRunner) {}

  async upsert(candles: readonly Candle[]): Promise<void> {
    if (candles.length === 0) return;
    // One statement may not touch a row twice: merge same-minute candles first.
    const byRow = new Map<string, Candle>();
    for (const c of candles) {
      const id = `${c.key}@${c.start}`;
      const had = byRow.get(id);
      byRow.set(id, had ? mergeCandles(had, c) : c);
    }
    const rows = [...byRow.values()].map((c) => ({
      market: marketOfKey(c.key),
      symbol: symbolOfKey(c.key),
      start: c.start,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      ticks: c.ticks,
      open_ts: c.openTs,
      close_ts: c.closeTs,
    }));
    await this.db.query(UPSERT, [JSON.stringify(rows)]);
  }

  async range(symbol: string, market: MarketType, intervalMs: number, from: number, to: number): Promise<Candle[]> {
    const rows = await this.db.query(RANGE, [`${intervalMs / 1000} seconds`, market, symbol, from, to]);
    const key = priceKey(symbol, market);
    return rows.map((r) => candleFromRow(key, r));
  }

  async deleteBefore(before: number): Promise<number> {
    const rows = await this.db.query('with d as (delete from candles where start < to_timestamp(? / 1000.0) returning 1) select count(*)::int as n from d', [
      before,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async hasSystemTrades(symbol: string, market: MarketType): Promise<boolean> {
    const rows = await this.db.query(
      `select exists (select 1 from paper_trades t where ${systemTradeSql('t')} and t.symbol = ? and t.market_type = ?) as held`,
      [symbol, market],
    );
    return rows[0]?.held === true;
  }
}

function candleFromRow(key: string, r: RawRow): Candle {
  return {
    key,
    start: Number(r.start),
    open: Number(r.open),
    high: Number(r.high),
    low: Number(r.low),
    close: Number(r.close),
    ticks: Number(r.ticks),
    openTs: Number(r.open_ts),
    closeTs: Number(r.close_ts),
  };
}
