// Ledger verification in the background: a full audit reads every ledger row and system trade
// (26 s at 300k trades, benchmarks/reads-bench.ts), too much to run for an anonymous request. It
// runs at start-up, then again when the ledger has grown, at most once per interval (and, so that
// rows edited in a quiet ledger are caught too, at least every REVERIFY_EVERY intervals); requests
// get the last result at once, saying when it was computed and through which seq.
import type { Logger } from '../logger.ts';
import type { VerifyResult } from './ledger-verifier.ts';

export type VerifyReport = VerifyResult & {
  /** When this run finished (ISO 8601). */
  verified_at: string;
  /** The ledger seq this result covers (the head when the run started, or the last row it read). */
  verified_through_seq: number;
  /** How long the run took. */
  duration_ms: number;
};

/** A quiet ledger is still re-verified every this many intervals (50 min at the default 5 min). */
export const REVERIFY_EVERY = 10;

export interface VerifyScheduleDeps {
  verify(): Promise<VerifyResult>;
  /** The ledger's head seq (cheap). */
  head(): Promise<number>;
  /** LEDGER_VERIFY_INTERVAL_MS: the least time between two runs. */
  intervalMs: number;
  log: Logger;
}

export class LedgerVerifySchedule {
  private last: VerifyReport | null = null;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Head seq when the last run started; a later head means there is something new to verify. */
  private checkedHead = -1;
  runs = 0;

  constructor(private readonly deps: VerifyScheduleDeps) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.checkForNewEvents(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The last result; before the first run has finished, that run's (shared by every caller). */
  async current(): Promise<VerifyReport | null> {
    if (!this.last) await (this.running ?? this.run());
    return this.last;
  }

  private async checkForNewEvents(): Promise<void> {
    if (this.running) return;
    // Without the head this check still re-verifies a ledger whose last result is old.
    const head = await this.deps.head().catch((err: unknown) => {
      this.deps.log.warn({ err }, "ledger head could not be read; checking the last result's age only");
      return null;
    });
    const old = !this.last || Date.now() - Date.parse(this.last.verified_at) >= REVERIFY_EVERY * this.deps.intervalMs;
    if ((head !== null && head !== this.checkedHead) || old) await this.run();
  }

  private run(): Promise<void> {
    return (this.running ??= (async () => {
      const started = Date.now();
      try {
        const head = await this.deps.head();
        const result = await this.deps.verify();
        this.checkedHead = head;
        this.runs++;
        this.last = {
          ...result,
          verified_at: new Date().toISOString(),
          verified_through_seq: result.ok ? result.verified_through : head,
          duration_ms: Date.now() - started,
        };
        if (!result.ok) this.deps.log.error({ result }, 'ledger verification found an inconsistency');
      } catch (err) {
        this.deps.log.warn({ err }, 'ledger verification could not run; the last result stands');
      } finally {
        this.running = null;
      }
    })());
  }
}
