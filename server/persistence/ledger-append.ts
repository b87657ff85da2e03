// Appends ledger rows inside the caller's transaction. One append at a time per process (a turn
// held from the insert until the transaction has committed), with the chain head kept in memory,
// so an append is one INSERT (and the INSERT of its notifications' outbox rows, SPEC §14).
// Across processes: every insert takes the transaction-scoped advisory lock before its first
// row, and rows are written at head.seq + 1…, so a process whose cached head is stale hits the
// `seq` primary key (unique violation) and retries the whole transaction; the retry takes the lock
// first and reads the head under it, so it cannot lose again. No fork.
import { sqlLiteral, type BatchTx, type Query } from './sql-runner.ts';
import { GENESIS_HASH, chain, type LedgerEventDraft } from '../ledger/ledger-chain.ts';
import { outboxEnqueueSql } from './notify-outbox.ts';

interface Head {
  seq: number;
  hash: string;
}

/** Unique violation on the ledger's primary key: this writer's head was stale. */
export function isLedgerConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === '23505' && e.constraint === 'ledger_pkey') return true;
  return e.cause !== undefined && e.cause !== err && isLedgerConflict(e.cause);
}

/** Appends within a transaction; obtained from LedgerWriter.transaction. */
export type LedgerAppend = (drafts: readonly LedgerEventDraft[]) => Promise<void>;

/** Arbitrary constant key for pg_advisory_xact_lock ("ledger" in ASCII). */
const LEDGER_LOCK_KEY = 0x6c6564676572;

// The lock subquery is evaluated before the join emits its first row, i.e. before any insert.
const insertSql = (rowsJson: string): string =>
  'insert into ledger (seq, kind, trade_id, event, at, prev_hash, hash) ' +
  'select x.seq, x.kind, x.trade_id, x.event, x.at, x.prev_hash, x.hash ' +
  `from (select pg_advisory_xact_lock(${LEDGER_LOCK_KEY})) as lock, json_to_recordset(${sqlLiteral(rowsJson)}::json) ` +
  'as x(seq bigint, kind text, trade_id bigint, event jsonb, at timestamptz, prev_hash text, hash text) order by x.seq';

/** Opens a batch transaction: runs `work`, then sends `finalSql(out)` (if any) together with COMMIT. */
export type RunBatchTx = <T>(work: (tx: BatchTx) => Promise<T>, finalSql: (out: T) => string | null) => Promise<T>;

export class LedgerWriter {
  /** Last committed row as this process knows it; null = read it from the table. */
  private head: Head | null = null;
  private turnTail: Promise<void> = Promise.resolve();
  /** Whole-transaction retries after a conflict with another process. */
  conflicts = 0;
  /** Called after each commit that appended rows (the notification worker wakes on it). */
  private readonly committed: Array<() => void> = [];

  constructor(private readonly run: RunBatchTx) {}

  /**
   * Runs `work` in one transaction, retrying the whole of it on ledger conflicts, deadlocks and
   * serialization failures. `append` takes this process's turn, chains the drafts from the head
   * and leaves the INSERT to travel with the COMMIT (one round trip). The turn is held until the
   * commit has returned, so the next append starts from a committed head; it is released before
   * any retry, so a retry never waits while holding it.
   */
  async transaction<T>(work: (tx: BatchTx, append: LedgerAppend) => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let release: ((committed: Head | null) => void) | null = null;
      let staged: Head | null = null;
      let pending: string | null = null;
      try {
        const out = await this.run(
          (tx) =>
            work(tx, async (drafts) => {
              if (drafts.length === 0) return;
              if (release) throw new Error('one ledger append per transaction');
              release = await this.takeTurn();
              const head = this.head ?? (await readHead(tx.q));
              const next = this.prepare(head, drafts);
              pending = next.sql;
              staged = next.head;
            }),
          () => pending,
        );
        (release as ((h: Head | null) => void) | null)?.(staged);
        if (staged) for (const listener of this.committed) listener();
        return out;
      } catch (err) {
        // Rolled back or outcome unknown: the next turn reads the head from the table.
        (release as ((h: Head | null) => void) | null)?.(null);
        if (attempt < attempts && isRetryable(err)) {
          if (isLedgerConflict(err)) this.conflicts++;
          continue;
        }
        throw err;
      }
    }
  }

  /** `listener` runs after every commit that appended ledger rows (never throws into the writer). */
  onCommitted(listener: () => void): () => void {
    const guarded = () => {
      try {
        listener();
      } catch {
        // a listener's failure is its own; the rows are committed
      }
    };
    this.committed.push(guarded);
    return () => void this.committed.splice(this.committed.indexOf(guarded), 1);
  }

  /** Forget the cached head (e.g. after the table was changed outside this writer). */
  reset(): void {
    this.head = null;
  }

  private async takeTurn(): Promise<(committed: Head | null) => void> {
    let done!: () => void;
    const prev = this.turnTail;
    this.turnTail = new Promise<void>((r) => (done = r));
    await prev;
    let released = false;
    return (committed) => {
      if (released) return;
      released = true;
      this.head = committed;
      done();
    };
  }

  private prepare(head: Head, drafts: readonly LedgerEventDraft[]): { sql: string; head: Head } {
    const links = chain(head.hash, drafts);
    const rows = drafts.map((d, i) => ({
      seq: head.seq + 1 + i,
      kind: d.kind,
      trade_id: d.tradeId,
      event: d.event,
      at: d.at.toISOString(),
      prev_hash: links[i]!.prevHash,
      hash: links[i]!.hash,
    }));
    // SPEC §14: the outbox rows of these events travel with them (same batch, same COMMIT).
    const enqueue = outboxEnqueueSql(rows);
    const sql = insertSql(JSON.stringify(rows)) + (enqueue ? `; ${enqueue}` : '');
    return { sql, head: { seq: head.seq + drafts.length, hash: links[links.length - 1]!.hash } };
  }
}

const RETRYABLE_CODES = new Set(['40P01', '40001']);

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isLedgerConflict(err) || (typeof code === 'string' && RETRYABLE_CODES.has(code));
}

/** The head under the lock (a statement after the lock: its snapshot sees every earlier append). */
async function readHead(q: Query): Promise<Head> {
  await q(`select pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
  const rows = await q('select l.seq::text as head_seq, l.hash from ledger l order by l.seq desc limit 1');
  return rows[0] ? { seq: Number(rows[0].head_seq), hash: String(rows[0].hash) } : { seq: 0, hash: GENESIS_HASH };
}
