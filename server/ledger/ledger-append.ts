// Appends ledger rows inside the caller's transaction. A transaction-scoped advisory lock
// serialises appends across batches and processes, so the chain cannot fork; it is taken as the
// last step of a batch (nothing is waited on while it is held) and released at commit.
import type { Query } from '../persistence/sql-runner.ts';
import { valuesList } from '../persistence/sql-runner.ts';
import { GENESIS_HASH, chain, type LedgerEventDraft } from './ledger-chain.ts';

/** Arbitrary constant key for pg_advisory_xact_lock ("ledger" in ASCII). */
const LEDGER_LOCK_KEY = 0x6c6564676572;

const COLS = ['?::bigint', '?', '?::bigint', '?::jsonb', '?::timestamptz', '?', '?'];

export async function appendLedger(q: Query, drafts: readonly LedgerEventDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  await q('select pg_advisory_xact_lock(?)', [LEDGER_LOCK_KEY]);
  const last = await q('select hash from ledger order by seq desc limit 1');
  const links = chain(last[0] ? String(last[0].hash) : GENESIS_HASH, drafts);
  // Seqs taken under the lock, so chain order = seq order (bounded by batch size: ≤ 3 rows per item).
  const seqs = (
    await q(`select nextval(pg_get_serial_sequence('ledger', 'seq'))::text as seq from generate_series(1, ?)`, [drafts.length])
  )
    .map((r) => Number(r.seq))
    .sort((a, b) => a - b);
  await q(
    `insert into ledger (seq, kind, trade_id, event, at, prev_hash, hash) values ${valuesList(drafts.length, COLS)}`,
    drafts.flatMap((d, i) => [seqs[i], d.kind, d.tradeId, JSON.stringify(d.event), d.at, links[i]!.prevHash, links[i]!.hash]),
  );
}
