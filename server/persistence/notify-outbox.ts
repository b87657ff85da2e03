// The notification outbox (SPEC §14) in SQL. Rows are queued by `outboxEnqueueSql`, which the
// ledger append sends in the same batch as its INSERT and COMMIT (server/persistence/ledger-append.ts):
// an event is queued if and only if its ledger row committed, and the ledger holds public system
// trades only, so a private bot's or a user's trade can never be queued. The worker
// (server/notify/notify-worker.ts) claims due rows with a lease, delivers them outside any
// transaction and settles each one; a lease left by a crash runs out and the row is claimed again.
import { sqlLiteral, type Query } from './sql-runner.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';

/** The ledger kinds that are notified, and what each is called on the wire. */
export const NOTIFIED_LEDGER_KINDS = { trade_opened: 'trade.opened', trade_leg: 'trade.leg', trade_closed: 'trade.closed' } as const;
export type NotifiedLedgerKind = keyof typeof NOTIFIED_LEDGER_KINDS;

const isNotified = (kind: string): kind is NotifiedLedgerKind => Object.hasOwn(NOTIFIED_LEDGER_KINDS, kind);

/**
 * The INSERT that queues, for each notified ledger row, one outbox row per live target of the
 * trade's bot. Null when no row is of a notified kind. Runs after the ledger INSERT in the same
 * transaction, so the trades it joins are the ones this transaction wrote or locked.
 */
export function outboxEnqueueSql(rows: ReadonlyArray<{ seq: number; kind: string; trade_id: number }>): string | null {
  const notified = rows.filter((r) => isNotified(r.kind)).map((r) => ({ seq: r.seq, trade_id: r.trade_id }));
  if (notified.length === 0) return null;
  return (
    'insert into notify_outbox (target_id, ledger_seq) ' +
    `select t.id, x.seq from json_to_recordset(${sqlLiteral(JSON.stringify(notified))}::json) as x(seq bigint, trade_id bigint) ` +
    `join paper_trades p on p.id = x.trade_id and ${systemTradeSql('p')} ` +
    'join notify_targets t on t.bot = p.bot and t.removed_at is null ' +
    // A one-time filter: with no live target at all (most deployments) nothing is joined.
    'where exists (select 1 from notify_targets l where l.removed_at is null) ' +
    'order by x.seq, t.id on conflict do nothing'
  );
}

export interface ClaimedRow {
  id: number;
  targetId: number;
  ledgerSeq: number;
  /** Tries so far, this one included. */
  attempts: number;
  /** When it was queued (commit time of its event, to the transaction's start). */
  createdAt: Date;
}

export interface OutboxStats {
  queued: number;
  dead: number;
  /** Seconds since the oldest queued row was queued (0 when none). */
  oldestQueuedAgeSeconds: number;
}

export interface DeadLetter {
  id: number;
  targetId: number;
  bot: string;
  kind: string;
  ledgerSeq: number;
  attempts: number;
  createdAt: Date;
  lastStatus: number | null;
  lastError: string | null;
}

const n = (v: unknown): number => Number(v);

export class NotifyOutboxStore {
  constructor(private readonly q: Query) {}

  /**
   * Takes up to `limit` due rows, oldest first, leasing them for `leaseMs` and counting the try.
   * A target's events go in ledger order: a row is not taken while an earlier queued row of its
   * target waits for a retry (or is leased), so a receiver that failed gets its events in order
   * once it is back. SKIP LOCKED: two claimers never take one row.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedRow[]> {
    const rows = await this.q(
      `update notify_outbox o set lease_until = now() + (? * interval '1 millisecond'), attempts = o.attempts + 1
       from (select d.id from notify_outbox d
             where d.state = 'queued' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
               and not exists (select 1 from notify_outbox e
                               where e.target_id = d.target_id and e.state = 'queued' and e.ledger_seq < d.ledger_seq
                                 and (e.next_attempt_at > now() or e.lease_until >= now()))
             order by d.ledger_seq, d.target_id limit ? for update skip locked) c
       where o.id = c.id
       returning o.id, o.target_id, o.ledger_seq, o.attempts, o.created_at`,
      [leaseMs, limit],
    );
    return rows
      .map((r) => ({ id: n(r.id), targetId: n(r.target_id), ledgerSeq: n(r.ledger_seq), attempts: n(r.attempts), createdAt: new Date(r.created_at as string) }))
      .sort((a, b) => a.ledgerSeq - b.ledgerSeq || a.targetId - b.targetId);
  }

  /** Leases are this process's alone once it is the only worker (the engine leader): a restart takes them back at once. */
  async releaseLeases(): Promise<void> {
    await this.q(`update notify_outbox set lease_until = null where state = 'queued' and lease_until is not null`);
  }

  /** Claimed rows handed back untried (an earlier row of their target failed): due again, the try not counted. */
  async release(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.q(`update notify_outbox set lease_until = null, attempts = attempts - 1 where state = 'queued' and id = any(?::bigint[])`, [ids]);
  }

  async markSent(id: number, status: number): Promise<void> {
    await this.q(`update notify_outbox set state = 'sent', sent_at = now(), lease_until = null, last_status = ?, last_error = null where id = ?`, [status, id]);
  }

  async markRetry(id: number, delayMs: number, status: number | null, error: string): Promise<void> {
    await this.q(
      `update notify_outbox set next_attempt_at = now() + (? * interval '1 millisecond'), lease_until = null, last_status = ?, last_error = ? where id = ?`,
      [delayMs, status, error.slice(0, 500), id],
    );
  }

  async markDead(id: number, status: number | null, error: string): Promise<void> {
    await this.q(`update notify_outbox set state = 'dead', lease_until = null, last_status = ?, last_error = ? where id = ?`, [
      status,
      error.slice(0, 500),
      id,
    ]);
  }

  async stats(): Promise<OutboxStats> {
    const rows = await this.q(
      `select count(*) filter (where state = 'queued') as queued, count(*) filter (where state = 'dead') as dead,
              coalesce(extract(epoch from now() - min(created_at) filter (where state = 'queued')), 0) as oldest
       from notify_outbox where state <> 'sent'`,
    );
    const r = rows[0] ?? {};
    return { queued: n(r.queued ?? 0), dead: n(r.dead ?? 0), oldestQueuedAgeSeconds: Math.max(0, n(r.oldest ?? 0)) };
  }

  /** The dead letters, newest first (optionally of one bot). */
  async deadLetters(limit: number, bot?: string): Promise<DeadLetter[]> {
    const rows = await this.q(
      `select o.id, o.target_id, t.bot, t.kind, o.ledger_seq, o.attempts, o.created_at, o.last_status, o.last_error
       from notify_outbox o join notify_targets t on t.id = o.target_id
       where o.state = 'dead' and (?::text is null or t.bot = ?) order by o.created_at desc, o.id desc limit ?`,
      [bot ?? null, bot ?? null, limit],
    );
    return rows.map((r) => ({
      id: n(r.id),
      targetId: n(r.target_id),
      bot: String(r.bot),
      kind: String(r.kind),
      ledgerSeq: n(r.ledger_seq),
      attempts: n(r.attempts),
      createdAt: new Date(r.created_at as string),
      lastStatus: r.last_status === null ? null : n(r.last_status),
      lastError: (r.last_error as string | null) ?? null,
    }));
  }

  /** Dead letters back into the queue, due now (`notify:retry`); the idempotency key stays the same. */
  async requeue(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.q(
      `update notify_outbox set state = 'queued', next_attempt_at = now(), attempts = 0, created_at = now(), lease_until = null
       where state = 'dead' and id = any(?::bigint[]) returning id`,
      [ids],
    );
    return rows.length;
  }

  /** Delivered rows older than `days` go (queued and dead ones stay). */
  async pruneSent(days: number): Promise<number> {
    const rows = await this.q(`delete from notify_outbox where state = 'sent' and sent_at < now() - (? * interval '1 day') returning id`, [days]);
    return rows.length;
  }
}
