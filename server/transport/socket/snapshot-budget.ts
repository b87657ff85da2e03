// A process-wide budget for public snapshot bytes (built + sent) per second: a flood of resyncs or
// new viewers waits its turn instead of taking the event loop. Deferral, never refusal: a job
// runs whenever the budget is not in debt, however large it is, so every viewer that asks
// eventually gets its snapshot; the debt it leaves delays the next ones (FIFO).

export class SnapshotBudget {
  private tokens: number;
  private last: number;
  private readonly queue: Array<() => number> = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `bytesPerSecond` 0 = no budget (every job runs at once). */
  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.tokens = bytesPerSecond;
    this.last = this.now();
  }

  /** Jobs waiting for budget (tests, metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `job` now or when the budget allows; the job returns the bytes it cost (0 if it had nothing to do). */
  run(job: () => number): void {
    if (this.stopped) return;
    if (this.bytesPerSecond <= 0) {
      job();
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((t - this.last) / 1000) * this.bytesPerSecond);
    this.last = t;
  }

  private pump(): void {
    if (this.timer) return;
    this.refill();
    while (this.queue.length > 0 && this.tokens > 0) {
      const job = this.queue.shift()!;
      try {
        this.tokens -= job();
      } catch (err) {
        this.onError(err); // a job fails alone; the queue goes on
      }
    }
    if (this.queue.length === 0 || this.stopped) return;
    const waitMs = Math.ceil((-this.tokens / this.bytesPerSecond) * 1000) + 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, waitMs);
    this.timer.unref?.();
  }
}
