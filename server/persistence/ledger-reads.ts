// The ledger's database side for readers: pages, streaming in seq order, and the full audit (the
// pure LedgerVerifier fed with the chain, then with the current system trade rows, their legs and
// the signal rows).
import type { SqlRunner, RawRow } from './sql-runner.ts';
import { SIGNAL_COLUMNS, TRADE_COLUMNS, signalRowFromDb, tradeRowFromDb, type SignalRow } from './rows.ts';
import type { LedgerRecord } from '../ledger/ledger-chain.ts';
import { LedgerVerifier, type VerifyResult } from '../ledger/ledger-verifier.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';
import { legsOf } from './trade-legs.ts';

/** Anything that runs one statement: a SqlRunner, or a test's transaction. */
export type LedgerDb = Pick<SqlRunner, 'query'>;

// `at` as epoch ms: exact, and independent of how pg prints far-future years.
const COLS = 'seq::text as seq, kind, trade_id::text as trade_id, event, round(extract(epoch from at) * 1000)::text as at_ms, prev_hash, hash';

export function ledgerRecordFromDb(r: RawRow): LedgerRecord {
  return {
    seq: Number(r.seq),
    kind: String(r.kind),
    trade_id: Number(r.trade_id),
    event: (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as LedgerRecord['event'],
    at: new Date(Number(r.at_ms)).toISOString(),
    prev_hash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/** Rows with seq > after, oldest first; with `bot`, only the rows of that bot's trades (SPEC §11). */
export async function ledgerPage(db: LedgerDb, after: number, limit: number, bot?: string): Promise<LedgerRecord[]> {
  const rows =
    bot === undefined
      ? await db.query(`select ${COLS} from ledger where ledger.seq > ? order by ledger.seq limit ?`, [after, limit])
      : await db.query(
          `select ${COLS} from ledger join paper_trades t on t.id = ledger.trade_id
            where t.bot = ? and ${systemTradeSql('t')} and ledger.seq > ? order by ledger.seq limit ?`,
          [bot, after, limit],
        );
  return rows.map(ledgerRecordFromDb);
}

/** How much of the chain is one bot's: its rows, its trades and its newest row's seq. */
export async function ledgerBotShare(db: LedgerDb, bot: string): Promise<{ rows: number; trades: number; last_seq: number | null }> {
  const [r] = await db.query(
    `select count(*)::int as n, count(distinct ledger.trade_id)::int as trades, max(ledger.seq)::text as last_seq
       from ledger join paper_trades t on t.id = ledger.trade_id where t.bot = ? and ${systemTradeSql('t')}`,
    [bot],
  );
  return { rows: Number(r?.n ?? 0), trades: Number(r?.trades ?? 0), last_seq: r?.last_seq == null ? null : Number(r.last_seq) };
}

/** One trade's rows (its signal, open, legs and close), oldest first: the ledger_trade_id index. */
export async function ledgerOfTrade(db: LedgerDb, tradeId: number): Promise<LedgerRecord[]> {
  const rows = await db.query(`select ${COLS} from ledger where ledger.trade_id = ? order by ledger.seq`, [tradeId]);
  return rows.map(ledgerRecordFromDb);
}

/** The last seq (0 when empty): one primary-key lookup. */
export async function ledgerHeadSeq(db: LedgerDb): Promise<number> {
  const [row] = await db.query('select coalesce(max(seq), 0)::text as seq from ledger');
  return Number(row?.seq ?? 0);
}

/** Every row in seq order, a page at a time. */
export async function forEachLedgerRecord(db: LedgerDb, onRow: (r: LedgerRecord) => boolean | void, pageSize = 5_000): Promise<void> {
  for (let after = 0; ;) {
    const page = await ledgerPage(db, after, pageSize);
    for (const r of page) if (onRow(r) === false) return;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}

/**
 * The full audit, read a page at a time so that a server running it in the background
 * (server/ledger/verify-schedule.ts) keeps answering between pages: no single step parses more
 * than a few thousand rows.
 */
export async function verifyLedger(db: LedgerDb, pageSize = 1_000): Promise<VerifyResult> {
  const v = new LedgerVerifier();
  await forEachLedgerRecord(db, (r) => v.push(r), pageSize);
  const first = v.result();
  if (!first.ok) return first;
  for (let after = 0; ;) {
    const rows = await db.query(
      `select ${TRADE_COLUMNS}, realized_profit_loss, remaining_quantity from paper_trades where ${systemTradeSql()} and id > ? order by id limit ?`,
      [after, pageSize],
    );
    const legs = await legsOf(
      db,
      rows.map((r) => Number(r.id)),
    );
    for (const r of rows) {
      const t = tradeRowFromDb(r);
      if (!v.compareRow(t)) return v.result();
      const totals = {
        realizedProfitLoss: Number(r.realized_profit_loss),
        remainingQuantity: r.remaining_quantity == null ? null : Number(r.remaining_quantity),
      };
      if (!v.compareLegs(t.id, legs.get(t.id) ?? [], totals)) return v.result();
    }
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]!.id);
  }
  const signals = new Map<number, SignalRow>();
  const ids = v.recordedSignalIds();
  for (let i = 0; i < ids.length; i += pageSize) {
    for (const r of await db.query(`select ${SIGNAL_COLUMNS} from signals where id = any(?::bigint[])`, [ids.slice(i, i + pageSize)])) {
      const s = signalRowFromDb(r);
      signals.set(s.id, s);
    }
  }
  return v.finishRows(signals);
}
