// The SQL of one group-commit batch: multi-row ingest (signals + system trades, idempotent) and
// the guarded multi-row close. Called inside a transaction by PgTradeStore.
import { quantityFor, roundMoney } from '../../shared/trade-math.ts';
import { SIGNAL_COLUMNS, TRADE_COLUMNS, signalRowFromDb, tradeRowFromDb, type SignalRow, type TradeRow } from './rows.ts';
import { valuesList, type Query } from './sql-runner.ts';
import { appendLedger } from '../ledger/ledger-append.ts';
import { signalReceived, tradeClosed, tradeOpened } from '../ledger/ledger-events.ts';
import type { LedgerEventDraft } from '../ledger/ledger-chain.ts';
import type { IngestOptions, IngestPayload, IngestResult, TradeClose } from './trade-store.ts';

export interface IngestItem {
  p: IngestPayload;
  opts: IngestOptions;
}

const keyOf = (p: IngestPayload): string | null =>
  p.external_id === undefined ? null : JSON.stringify([p.source, p.external_id]);

const SIGNAL_INSERT_COLS =
  'id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type, leverage, status, expires_at, created_at';
const TRADE_INSERT_COLS =
  'signal_id, user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time, ' +
  'position_size, quantity, take_profit, stop_loss, status, created_at, updated_at';

/**
 * One transaction for a batch of ingests: multi-row INSERT … ON CONFLICT DO NOTHING for the
 * signals (ids pre-allocated so each caller knows its row), one INSERT for the new signals'
 * system trades, then a read of the rows that already existed (resends), then the ledger rows
 * (signal received + trade opened) for what was actually inserted.
 */
export async function ingestBatch(q: Query, items: readonly IngestItem[], feeRate: number): Promise<IngestResult[]> {
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

  const ids = await q(`select nextval(pg_get_serial_sequence('signals', 'id'))::text as id from generate_series(1, ?)`, [
    writers.length,
  ]);
  const signalIdOf = new Map<number, number>(writers.map((w, n) => [w, Number(ids[n]!.id)]));

  const inserted = await q(
    `insert into signals (${SIGNAL_INSERT_COLS}) values ${valuesList(writers.length, 15)}
     on conflict (source, external_id) do nothing returning ${SIGNAL_COLUMNS}`,
    writers.flatMap((w) => signalValues(signalIdOf.get(w)!, items[w]!)),
  );
  const newSignals = new Map(inserted.map((r) => [Number(r.id), signalRowFromDb(r)]));
  const created = writers.filter((w) => newSignals.has(signalIdOf.get(w)!));

  const trades = new Map<number, TradeRow>();
  if (created.length > 0) {
    const rows = await q(
      `insert into paper_trades (${TRADE_INSERT_COLS}) values ${valuesList(created.length, 17)} returning ${TRADE_COLUMNS}`,
      created.flatMap((w) => tradeValues(signalIdOf.get(w)!, items[w]!)),
    );
    for (const r of rows) trades.set(Number(r.signal_id), tradeRowFromDb(r));
  }

  // Resends: rows committed earlier (ON CONFLICT waited for any concurrent writer to finish).
  const existing = await loadExisting(q, items, writers.filter((w) => !newSignals.has(signalIdOf.get(w)!)));

  // Last: the ledger append takes the chain lock, held until commit.
  const drafts: LedgerEventDraft[] = [];
  for (const w of created) {
    const t = trades.get(signalIdOf.get(w)!);
    if (!t) continue;
    drafts.push(signalReceived(t.signalId!, t.id, items[w]!.p, items[w]!.opts.now), tradeOpened(t, feeRate));
  }
  await appendLedger(q, drafts);

  return items.map((it, i) => {
    const key = keyOf(it.p);
    const writer = key === null ? i : writerOf.get(key)!;
    const sid = signalIdOf.get(writer)!;
    const fresh = newSignals.get(sid);
    if (fresh) return { signal: fresh, trade: trades.get(sid) ?? null, duplicate: writer !== i };
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
  const tradeRows = await q(
    `select ${TRADE_COLUMNS} from paper_trades where user_id is null and signal_id in (${signals.map(() => '?').join(', ')})`,
    signals.map((s) => s.id),
  );
  const tradeBySignal = new Map(tradeRows.map((r) => [Number(r.signal_id), tradeRowFromDb(r)]));
  for (const s of signals) {
    out.set(JSON.stringify([s.source, s.externalId]), { signal: s, trade: tradeBySignal.get(s.id) ?? null });
  }
  return out;
}

function signalValues(id: number, { p, opts }: IngestItem): unknown[] {
  return [
    id, p.external_id ?? null, p.source, p.symbol, p.direction, p.timeframe, p.entry, p.tp, p.sl, p.confidence,
    p.market_type, p.leverage, 'EXECUTED', p.expires_at ?? null, opts.now,
  ];
}

function tradeValues(signalId: number, { p, opts }: IngestItem): unknown[] {
  const positionSize = roundMoney(opts.positionSize);
  return [
    signalId, null, p.symbol, p.direction, p.market_type, p.timeframe, p.confidence, p.leverage, p.entry, opts.now,
    positionSize, quantityFor(positionSize, p.leverage, p.entry), p.tp, p.sl, opts.entryStatus ?? 'OPEN', opts.now, opts.now,
  ];
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

const CLOSE_TYPES = ['?::bigint', '?::text', '?::numeric', '?::timestamptz', '?::numeric', '?::numeric', '?::numeric', '?::boolean'];

/** Guarded multi-row UPDATE: only rows still OPEN/PENDING change; RETURNING says which. System closes go to the ledger. */
export async function closeBatch(q: Query, items: readonly TradeClose[]): Promise<boolean[]> {
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
     where t.id = v.id and t.status in ('OPEN', 'PENDING')
     returning t.id, t.user_id is null as system`,
    writers.flatMap((w) => {
      const c = items[w]!;
      return [c.id, c.status, c.exitPrice, c.exitTime, c.fees, c.profitLoss, c.profitLossPercentage, c.priceGap];
    }),
  );
  const closed = new Set(rows.map((r) => Number(r.id)));
  const system = new Set(rows.filter((r) => r.system === true).map((r) => Number(r.id)));
  await appendLedger(q, writers.filter((w) => system.has(items[w]!.id)).map((w) => tradeClosed(items[w]!)));
  return items.map((c, i) => firstFor.get(c.id) === i && closed.has(c.id));
}
