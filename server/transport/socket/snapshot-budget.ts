// A process-wide budget for public snapshots: a flood of resyncs or new viewers waits its turn
// instead of taking the event loop. Jobs run in turns, at most `turnsPerSecond` of them: every job
// of a turn runs in one synchronous pass, so they share one snapshot build (the seq cannot move
// inside the pass) and builds are bounded by the turn rate whatever the number of askers. Within a
// turn, jobs run while the byte budget (built + sent bytes per second) is not in debt.
// Deferral, never refusal: a job runs once the budget is out of debt, however large it is, so
// every viewer that asks eventually gets its snapshot; the debt it leaves delays the next (FIFO).

export interface SnapshotBudgetConfig {
  /** Snapshot bytes built plus sent per second (0 = no byte budget). */
  bytesPerSecond: number;
  /** Turns (so snapshot builds) per second at most (0 = every job at once). */
  turnsPerSecond: number;
}

export class SnapshotBudget {
  private tokens: number;
  private last: number;
  private lastTurn = -Infinity;
  private readonly queue: Array<() => number> = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly config: SnapshotBudgetConfig,
    private readonly now: () => number = () => performance.now(),
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Jobs waiting for their turn (tests, metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `job` in the next turn the budget allows; the job returns the bytes it cost (0 if it had nothing to do). */
  run(job: () => number): void {
    if (this.stopped) return;
    this.queue.push(job);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private get turnMs(): number {
    return this.config.turnsPerSecond > 0 ? 1000 / this.config.turnsPerSecond : 0;
  }

  /** One turn's share of a second's bytes: a turn is one synchronous pass, so this bounds its stall. */
  private get capacity(): number {
    const { bytesPerSecond, turnsPerSecond } = this.config;
    return turnsPerSecond > 0 ? bytesPerSecond / turnsPerSecond : bytesPerSecond;
  }

  private refill(t: number): void {
    const rate = this.config.bytesPerSecond;
    if (rate <= 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * rate);
    this.last = t;
  }

  private pump(): void {
    if (this.timer || this.stopped) return;
    const t = this.now();
    const untilTurn = this.lastTurn + this.turnMs - t;
    if (untilTurn > 0) return this.schedule(untilTurn);
    this.refill(t);
    if (this.config.bytesPerSecond > 0 && this.tokens <= 0) return this.schedule((-this.tokens / this.config.bytesPerSecond) * 1000);
    this.lastTurn = t;
    while (this.queue.length > 0 && (this.config.bytesPerSecond <= 0 || this.tokens > 0)) {
      const job = this.queue.shift()!;
      try {
        this.tokens -= job();
      } catch (err) {
        this.onError(err); // a job fails alone; the queue goes on
      }
    }
    if (this.queue.length > 0) this.pump();
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.ceil(ms) + 1,
    );
  }
}
