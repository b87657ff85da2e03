// Seeds a database with `n` system trades (signals, trades, a valid ledger) quickly: rows by
// set-based SQL (generate_series), closes computed with the shared trade math, ledger rows chained
// in JS and inserted in batches. About 19 of 20 trades are closed. Used by benchmarks/reads-bench.ts.
import { withAdmin } from '../../server/persistence/database.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { TRADE_COLUMNS, tradeRowFromDb, type TradeRow } from '../../server/persistence/rows.ts';
import { GENESIS_HASH, chain, type LedgerEventDraft } from '../../server/ledger/ledger-chain.ts';
import { signalReceived, tradeClosed, tradeOpened } from '../../server/ledger/ledger-events.ts';
import type { CloseRecord } from '../../server/engine/ports.ts';
import { profitLossAt } from '../../shared/trade-math.ts';

const BATCH = 5_000;
const T0 = Date.UTC(2026, 0, 1);

export async function seedSystemTrades(url: string, n: number, feeRate = 0.001): Promise<void> {
  const orm = await initOrm(url);
  await orm.close(true);
  await withAdmin(url, async (k) => {
    await k.raw(
      `insert into signals (id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type, leverage, status, created_at)
      overriding system value
      select g, 'seed-' || g, 'bench', 'S' || lpad((g % 200)::text, 3, '0') || 'USDT',
             case when g % 2 = 0 then 'LONG' else 'SHORT' end, (array['15m','1h','4h'])[1 + g % 3], 100,
             case when g % 2 = 0 then 110 else 90 end, case when g % 2 = 0 then 95 else 105 end, 0.5, 'SPOT', 1, 'EXECUTED',
             to_timestamp((?::bigint + g::bigint * 60000) / 1000.0)
      from generate_series(1, ?) g`,
      [T0, n],
    );
    await k.raw(`insert into paper_trades (signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage,
        entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status, created_at, updated_at, bot)
      select id, null, symbol, direction, market_type, timeframe, confidence, leverage, entry, created_at, 100, 1, tp, sl, 'OPEN', created_at, created_at, source
      from signals where source = 'bench' order by id`);
    await k.raw(`select setval(pg_get_serial_sequence('signals', 'id'), ?)`, [n]);

    let head = GENESIS_HASH;
    let seq = 0;
    const writeLedger = async (drafts: LedgerEventDraft[]) => {
      const links = chain(head, drafts);
      const rows = drafts.map((d, i) => ({
        seq: ++seq,
        kind: d.kind,
        trade_id: d.tradeId,
        event: d.event,
        at: d.at.toISOString(),
        prev_hash: links[i]!.prevHash,
        hash: links[i]!.hash,
      }));
      head = links.at(-1)?.hash ?? head;
      await k.raw(
        `insert into ledger (seq, kind, trade_id, event, at, prev_hash, hash)
         select * from json_to_recordset(?::json) as x(seq bigint, kind text, trade_id bigint, event jsonb, at timestamptz, prev_hash text, hash text)`,
        [JSON.stringify(rows)],
      );
    };
    const closes: CloseRecord[] = [];
    for (let after = 0; ;) {
      const res = await k.raw(`select ${TRADE_COLUMNS} from paper_trades where id > ? and user_id is null order by id limit ?`, [after, BATCH]);
      const trades = (res.rows as Record<string, unknown>[]).map(tradeRowFromDb);
      if (trades.length === 0) break;
      after = trades.at(-1)!.id;
      const drafts: LedgerEventDraft[] = [];
      for (const t of trades) {
        drafts.push(signalReceived(t.signalId!, t.id, payloadOf(t), t.entryTime), tradeOpened(t, feeRate));
        if (t.id % 20 !== 0) closes.push(closeOf(t, feeRate));
      }
      await writeLedger(drafts);
    }
    for (let i = 0; i < closes.length; i += BATCH) {
      const batch = closes.slice(i, i + BATCH);
      await k.raw(
        `update paper_trades p set status = x.status, exit_price = x.exit_price, exit_time = x.exit_time, fees = x.fees,
           profit_loss = x.profit_loss, profit_loss_percentage = x.pct, updated_at = x.exit_time
         from json_to_recordset(?::json) as x(id bigint, status text, exit_price numeric, exit_time timestamptz, fees numeric, profit_loss numeric, pct numeric)
         where p.id = x.id`,
        [
          JSON.stringify(
            batch.map((c) => ({
              id: c.id,
              status: c.status,
              exit_price: c.exitPrice,
              exit_time: c.exitTime.toISOString(),
              fees: c.fees,
              profit_loss: c.profitLoss,
              pct: c.profitLossPercentage,
            })),
          ),
        ],
      );
      await writeLedger(batch.map(tradeClosed));
    }
    await k.raw('analyze');
  });
}

function payloadOf(t: TradeRow) {
  return {
    external_id: `seed-${t.signalId}`,
    symbol: t.symbol,
    direction: t.direction,
    timeframe: t.timeframe,
    entry: t.entryPrice,
    tp: t.takeProfit,
    sl: t.stopLoss,
    confidence: t.confidence,
    market_type: t.marketType,
    leverage: t.leverage,
    source: 'bench',
  } as Parameters<typeof signalReceived>[2];
}

/** TP, SL or a manual close in turn, an hour or so after entry. */
function closeOf(t: TradeRow, feeRate: number): CloseRecord {
  const kind = t.id % 3;
  const exit = kind === 0 ? t.takeProfit : kind === 1 ? t.stopLoss : t.entryPrice * 1.001;
  const status = kind === 0 ? 'CLOSED_TP' : kind === 1 ? 'CLOSED_SL' : 'CLOSED_MANUAL';
  const pl = profitLossAt(t, exit, feeRate);
  return { id: t.id, status, exitPrice: exit, exitTime: new Date(t.entryTime.getTime() + 3_600_000 + (t.id % 7) * 60_000), ...pl, priceGap: false };
}
