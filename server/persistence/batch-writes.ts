// The SQL of one group-commit batch: multi-row ingest (signals + system trades, idempotent) and
// the guarded multi-row close. Called inside a transaction by PgTradeStore.
import { quantityFor, roundMoney } from '../../shared/trade-math.ts';
import { SIGNAL_COLUMNS, TRADE_COLUMNS, signalRowFromDb, tradeRowFromDb, type SignalRow, type TradeRow } from './rows.ts';
import { sqlLiteral, valuesList, type BatchTx, type Query, type RawRow } from './sql-runner.ts';
import { storable } from '../../shared/canonical-json.ts';
import type { LedgerAppend } from './ledger-append.ts';
import { signalReceived, tradeClosed, tradeOpened } from '../ledger/ledger-events.ts';
import type { LedgerEventDraft } from '../ledger/ledger-chain.ts';
import type { CloseRecord } from '../engine/ports.ts';
import type { IngestOptions, IngestPayload, IngestedRows } from './store-types.ts';
import { PUBLIC_SCOPE, inScope, openStatusSql, signalTradeOwnerSql, signalTradeSql, systemTradeSql } from '../privacy/trade-scope.ts';

export interface IngestItem {
  p: IngestPayload;
  opts: IngestOptions;
}

const keyOf = (p: IngestPayload): string | null => (p.external_id === undefined ? null : JSON.stringify([p.source, p.external_id]));

/** The batch as one json_to_recordset parameter: one statement text whatever the batch size. */
const INPUT_COLUMNS =
  'i int, external_id text, source text, symbol text, direction text, timeframe text, entry numeric, tp numeric, ' +
  'sl numeric, confidence numeric, market_type text, leverage int, expires_at timestamptz, created_at timestamptz, ' +
  'position_size numeric, quantity numeric, entry_status text, targets jsonb, sl_mode text, trailing_callback_rate numeric, ' +
  'trailing_activation_price numeric';

/**
 * One statement: ids drawn in input order, signals inserted ON CONFLICT DO NOTHING, their trades for
 * the rows actually inserted (a system trade, or the private bots' account's when the bot is private
 * as the statement runs), and the rows a resend hit (as of the statement's snapshot).
 */
const ingestSql = (INPUT: string): string => `
with input as materialized (
  select nextval(pg_get_serial_sequence('signals', 'id')) as id, x.*
  from json_to_recordset(${INPUT} ::json) as x(${INPUT_COLUMNS})
  order by x.i
),
ins_sig as (
  insert into signals (id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type,
                       leverage, status, expires_at, created_at)
  select id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type, leverage,
         'EXECUTED', expires_at, created_at
  from input order by i
  on conflict (source, external_id) do nothing
  returning ${SIGNAL_COLUMNS}
),
ins_trade as (
  insert into paper_trades (signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage,
                            entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status,
                            created_at, updated_at, targets, sl_mode, trailing_callback_rate, trailing_activation_price,
                            initial_stop_loss, remaining_quantity, bot)
  select s.id, ${signalTradeOwnerSql('b.visibility')}, n.symbol, n.direction, n.market_type, n.timeframe, n.confidence, n.leverage, n.entry,
         n.created_at, n.position_size, n.quantity, n.tp, n.sl, n.entry_status, n.created_at, n.created_at,
         n.targets, n.sl_mode, n.trailing_callback_rate, n.trailing_activation_price, n.sl, n.quantity, s.source
  from ins_sig s join input n on n.id = s.id left join bots b on b.name = s.source order by n.i
  returning ${TRADE_COLUMNS}
)
select n.i, to_json(s) as signal, to_json(t) as trade, to_json(e) as old_signal, to_json(et) as old_trade
from input n
left join ins_sig s on s.id = n.id
left join ins_trade t on t.signal_id = s.id
left join lateral (
  select * from signals e where s.id is null and e.source = n.source and e.external_id = n.external_id limit 1
) e on true
left join lateral (
  select * from paper_trades et where s.id is null and et.signal_id = e.id and ${signalTradeSql('et')} limit 1
) et on true`;

/**
 * One transaction for a batch of ingests, one statement for the rows: signals and their system
 * trades (idempotent by (source, external_id)), and what resends hit. Then, as the last step, the
 * ledger rows (signal received + trade opened) for what was actually inserted.
 */
export async function ingestBatch(tx: BatchTx, items: readonly IngestItem[], feeRate: number, appendLedger: LedgerAppend): Promise<IngestedRows[]> {
  // Callers sharing a key inside the batch write once; the first is the writer.
  const writerOf = new Map<string, number>();
  const writers: number[] = [];
  items.forEach((it, i) => {
    const key = keyOf(it.p);
    if (key === null || !writerOf.has(key)) {
      if (key !== null) writerOf.set(key, i);
      writers.push(i);
    }
  });
  // Same lock order in every batch (concurrent batches may insert the same keys).
  writers.sort((a, b) => compareKeys(keyOf(items[a]!.p), keyOf(items[b]!.p)));

  const rows = await tx.simple(ingestSql(sqlLiteral(JSON.stringify(writers.map((w, n) => inputRecord(n, items[w]!))))));
  const fresh = new Map<number, { signal: SignalRow; trade: TradeRow | null }>();
  const existing = new Map<string, { signal: SignalRow; trade: TradeRow | null }>();
  const missing: number[] = [];
  for (const r of rows) {
    const w = writers[Number(r.i)]!;
    if (r.signal) {
      fresh.set(w, { signal: signalRowFromDb(r.signal as RawRow), trade: r.trade ? tradeRowFromDb(r.trade as RawRow) : null });
    } else if (r.old_signal) {
      const signal = signalRowFromDb(r.old_signal as RawRow);
      existing.set(keyOf(items[w]!.p)!, { signal, trade: r.old_trade ? tradeRowFromDb(r.old_trade as RawRow) : null });
    } else {
      missing.push(w);
    }
  }
  // Resends of a signal a concurrent transaction committed after this statement's snapshot
  // (ON CONFLICT waited for it): read them now, with a fresh snapshot.
  if (missing.length > 0) for (const [k, v] of await loadExisting(tx.q, items, missing)) existing.set(k, v);

  // Last: the ledger append (its turn is held until commit).
  const drafts: LedgerEventDraft[] = [];
  for (const w of writers) {
    const f = fresh.get(w);
    // A private bot's trade (owned by the private bots' account) writes nothing public.
    if (!f?.trade || !inScope(PUBLIC_SCOPE, f.trade.userId)) continue;
    drafts.push(signalReceived(f.signal.id, f.trade.id, items[w]!.p, items[w]!.opts.now), tradeOpened(f.trade, feeRate));
  }
  await appendLedger(drafts);

  return items.map((it, i) => {
    const key = keyOf(it.p);
    const writer = key === null ? i : writerOf.get(key)!;
    const f = fresh.get(writer);
    if (f) return { signal: f.signal, trade: f.trade, duplicate: writer !== i };
    const found = existing.get(key!);
    if (!found) throw new Error(`signal ${key} neither inserted nor found`);
    return { ...found, duplicate: true };
  });
}

async function loadExisting(
  q: Query,
  items: readonly IngestItem[],
  conflicted: readonly number[],
): Promise<Map<string, { signal: SignalRow; trade: TradeRow | null }>> {
  const out = new Map<string, { signal: SignalRow; trade: TradeRow | null }>();
  if (conflicted.length === 0) return out;
  const sigRows = await q(
    `select ${SIGNAL_COLUMNS} from signals where (source, external_id) in (${valuesList(conflicted.length, 2)})`,
    conflicted.flatMap((w) => [items[w]!.p.source, items[w]!.p.external_id]),
  );
  const signals = sigRows.map(signalRowFromDb);
  if (signals.length === 0) return out;
  const tradeRows = await q(
    `select ${TRADE_COLUMNS} from paper_trades where ${signalTradeSql()} and signal_id in (${signals.map(() => '?').join(', ')})`,
    signals.map((s) => s.id),
  );
  const tradeBySignal = new Map(tradeRows.map((r) => [Number(r.signal_id), tradeRowFromDb(r)]));
  for (const s of signals) {
    out.set(JSON.stringify([s.source, s.externalId]), { signal: s, trade: tradeBySignal.get(s.id) ?? null });
  }
  return out;
}

/** One input record; strings made storable as text (lone surrogates → U+FFFD, as pg does for text parameters). */
function inputRecord(i: number, { p, opts }: IngestItem): Record<string, unknown> {
  const positionSize = roundMoney(opts.positionSize);
  return {
    i,
    external_id: p.external_id === undefined ? null : storable(p.external_id),
    source: storable(p.source),
    symbol: storable(p.symbol),
    direction: p.direction,
    timeframe: p.timeframe,
    entry: p.entry,
    tp: p.tp,
    sl: p.sl,
    confidence: p.confidence,
    market_type: p.market_type,
    leverage: p.leverage,
    expires_at: p.expires_at ?? null,
    created_at: opts.now,
    position_size: positionSize,
    quantity: quantityFor(positionSize, p.leverage, p.entry),
    entry_status: opts.entryStatus ?? 'OPEN',
    ...planColumns(p),
  };
}

/** The §9 plan as stored: `targets` only for several targets (null = one target at tp, as rows before §9). */
function planColumns(p: IngestPayload): Record<string, unknown> {
  const targets = p.targets && p.targets.length > 1 ? p.targets.map((level, i) => ({ level, share: p.shares?.[i] ?? 1 / p.targets!.length })) : null;
  return {
    targets,
    sl_mode: p.sl_mode ?? 'fixed',
    trailing_callback_rate: p.trailing_stop?.callback_rate ?? null,
    trailing_activation_price: p.trailing_stop?.activation_price ?? null,
  };
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

const CLOSE_TYPES = ['?::bigint', '?::text', '?::numeric', '?::timestamptz', '?::numeric', '?::numeric', '?::numeric', '?::boolean'];

/** Guarded multi-row UPDATE: only rows still OPEN/PENDING change; RETURNING says which. System closes go to the ledger. */
export async function closeBatch(q: Query, items: readonly CloseRecord[], appendLedger: LedgerAppend): Promise<boolean[]> {
  // A trade closed twice in one batch: the first request writes, later ones get false.
  const firstFor = new Map<number, number>();
  items.forEach((c, i) => {
    if (!firstFor.has(c.id)) firstFor.set(c.id, i);
  });
  const writers = [...firstFor.values()].sort((a, b) => items[a]!.id - items[b]!.id);
  const rows = await q(
    `update paper_trades as t set status = v.status, exit_price = v.exit_price, exit_time = v.exit_time, fees = v.fees,
       profit_loss = v.profit_loss, profit_loss_percentage = v.pl_pct, price_gap = t.price_gap or v.price_gap,
       version = t.version + 1, updated_at = now()
     from (values ${valuesList(writers.length, CLOSE_TYPES)})
       as v(id, status, exit_price, exit_time, fees, profit_loss, pl_pct, price_gap)
     where t.id = v.id and ${openStatusSql('t')}
     returning t.id, ${systemTradeSql('t')} as system`,
    writers.flatMap((w) => {
      const c = items[w]!;
      return [c.id, c.status, c.exitPrice, c.exitTime, c.fees, c.profitLoss, c.profitLossPercentage, c.priceGap];
    }),
  );
  const closed = new Set(rows.map((r) => Number(r.id)));
  const system = new Set(rows.filter((r) => r.system === true).map((r) => Number(r.id)));
  await appendLedger(writers.filter((w) => system.has(items[w]!.id)).map((w) => tradeClosed(items[w]!)));
  return items.map((c, i) => firstFor.get(c.id) === i && closed.has(c.id));
}
