// Drains the notification outbox (SPEC §14): claims due rows, delivers each through its channel
// outside any transaction, settles it (sent / retry later / dead). At least once: a crash between
// the delivery and its settle repeats that delivery after the restart, with the same idempotency
// key. Per target, rows go in ledger order: when one fails, the target's later rows wait for it (the
// claim skips them) until it is delivered or dead-lettered; other targets go on.
import type { Logger } from '../logger.ts';
import { TARGET_REMOVED, type Deliver, type Notification, type NotifyTarget } from './notification.ts';
import { retryDelayMs, type RetryPolicy } from './retry-policy.ts';

export interface ClaimedDelivery {
  id: number;
  targetId: number;
  ledgerSeq: number;
  attempts: number;
  createdAt: Date;
}

/** The outbox as the worker uses it (server/persistence/notify-outbox.ts, notify-targets.ts, notify-events.ts). */
export interface OutboxPort {
  /** Whether any live target exists (a commit wakes the worker only then). */
  hasTargets(): Promise<boolean>;
  releaseLeases(): Promise<void>;
  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  notifications(seqs: readonly number[]): Promise<Map<number, Notification>>;
  targets(ids: readonly number[]): Promise<Map<number, { target: NotifyTarget; removedAt: Date | null }>>;
  /** Claimed rows given back untried (their target's earlier row failed). */
  release(ids: readonly number[]): Promise<void>;
  markSent(id: number, status: number): Promise<void>;
  markRetry(id: number, delayMs: number, status: number | null, error: string): Promise<void>;
  markDead(id: number, status: number | null, error: string): Promise<void>;
}

export interface WorkerOutcomes {
  sent(channel: string, ageMs: number): void;
  failed(channel: string): void;
  dead(channel: string): void;
}

export interface NotifyWorkerOptions {
  /** Idle poll (another process's commits, retries coming due); a local commit wakes it at once. */
  pollMs: number;
  batch: number;
  /** Targets delivered to at once (each target's rows one after another). */
  concurrency: number;
  leaseMs: number;
  retry: RetryPolicy;
  log: Logger;
  outcomes?: WorkerOutcomes;
  now?: () => number;
  random?: () => number;
}

export class NotifyWorker {
  private running = false;
  private wake: (() => void) | null = null;
  private kicked = false;
  private loop: Promise<void> | null = null;
  /** Read at each poll: with no target, a commit has nothing to wake the worker for (its SQL queued nothing). */
  private targets = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly port: OutboxPort,
    private readonly deliver: Deliver,
    private readonly opts: NotifyWorkerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** Takes back every lease (this process is the only worker from now) and starts draining. */
  async start(): Promise<void> {
    await this.port.releaseLeases();
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Something may have been queued: look now rather than at the next poll. Ignored while no
   * target exists (as of the last poll), so a deployment without notifications pays no claim per
   * commit; a target added since is seen at the next poll, and its rows are queued regardless.
   */
  kick(): void {
    if (!this.targets) return;
    this.kicked = true;
    this.wake?.();
  }

  /** Stops claiming; resolves once the deliveries in flight are settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One claim and its deliveries; the number of rows claimed. */
  private async drainOnce(): Promise<number> {
    const claimed = await this.port.claim(this.opts.batch, this.opts.leaseMs);
    if (claimed.length === 0) return 0;
    const [events, targets] = await Promise.all([
      this.port.notifications([...new Set(claimed.map((c) => c.ledgerSeq))]),
      this.port.targets([...new Set(claimed.map((c) => c.targetId))]),
    ]);
    const byTarget = new Map<number, ClaimedDelivery[]>();
    for (const c of claimed) {
      const q = byTarget.get(c.targetId);
      if (q) q.push(c);
      else byTarget.set(c.targetId, [c]);
    }
    const queues = [...byTarget.values()];
    const lanes = Array.from({ length: Math.min(this.opts.concurrency, queues.length) }, async () => {
      for (let q = queues.shift(); q; q = queues.shift()) {
        for (let i = 0; i < q.length; i++) {
          const c = q[i]!;
          if ((await this.one(c, events.get(c.ledgerSeq), targets.get(c.targetId))) === 'done') continue;
          // Failed (or its outcome unknown): the target's later rows wait for it, in order.
          await this.port
            .release(q.slice(i + 1).map((r) => r.id))
            .catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'claimed notifications not released'));
          break;
        }
      }
    });
    await Promise.all(lanes);
    return claimed.length;
  }

  private async run(): Promise<void> {
    let lastLook = -Infinity;
    while (this.running) {
      this.kicked = false;
      let claimed = 0;
      try {
        if (this.now() - lastLook >= this.opts.pollMs) {
          lastLook = this.now();
          this.targets = await this.port.hasTargets();
        }
        claimed = await this.drainOnce();
      } catch (err) {
        this.opts.log.warn({ err: String(err) }, 'notification outbox not drained (retried at the next poll)');
      }
      if (!this.running) break;
      if (claimed >= this.opts.batch || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.opts.pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }

  /** 'done' = sent or dead-lettered (the target's next row may go); 'held' = to be tried again, or not settled. */
  private async one(
    c: ClaimedDelivery,
    n: Notification | undefined,
    t: { target: NotifyTarget; removedAt: Date | null } | undefined,
  ): Promise<'done' | 'held'> {
    try {
      if (!t || t.removedAt) return (await this.port.markDead(c.id, null, TARGET_REMOVED), 'done');
      if (!n) return (await this.port.markDead(c.id, null, `ledger row ${c.ledgerSeq} is not a notified event of a system trade`), 'done');
      const channel = t.target.kind;
      let outcome;
      try {
        outcome = await this.deliver(n, t.target);
      } catch (err) {
        outcome = { ok: false as const, retry: true, error: `delivery failed: ${String(err)}` };
      }
      if (outcome.ok) {
        await this.port.markSent(c.id, outcome.status);
        this.opts.outcomes?.sent(channel, this.now() - c.createdAt.getTime());
        return 'done';
      }
      this.opts.outcomes?.failed(channel);
      const delay = outcome.retry ? retryDelayMs(this.opts.retry, c.attempts, c.createdAt.getTime(), this.now(), outcome.retryAfterMs, this.random) : null;
      if (delay === null) {
        await this.port.markDead(c.id, outcome.status ?? null, outcome.error);
        this.opts.outcomes?.dead(channel);
        this.opts.log.warn({ outbox: c.id, seq: c.ledgerSeq, channel, attempts: c.attempts, error: outcome.error }, 'notification dead-lettered');
        return 'done';
      }
      await this.port.markRetry(c.id, delay, outcome.status ?? null, outcome.error);
      return 'held';
    } catch (err) {
      // The settle itself failed (database away): the lease keeps the row until it runs out or a restart.
      this.opts.log.warn({ outbox: c.id, err: String(err) }, 'notification outcome not stored');
      return 'held';
    }
  }
}
