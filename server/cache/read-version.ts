// The version of everything the public reads show: the ledger's head seq. Every change to the set
// of system trades or to what they record (signal, open, activation, close) appends ledger rows in
// the same transaction, and nothing a user does writes to the ledger, so caches keyed by it never
// serve an answer older than the committed system trades and never move with user activity.
// (Trades imported with the CLI bypass the ledger: restart after an import into a running server.)
import { ledgerHeadSeq, type LedgerDb } from '../persistence/ledger-reads.ts';

export type ReadVersion = () => Promise<number>;

/** One index lookup; concurrent callers share it. */
export function ledgerReadVersion(db: LedgerDb): ReadVersion {
  let inflight: Promise<number> | null = null;
  return () => (inflight ??= ledgerHeadSeq(db).finally(() => (inflight = null)));
}
