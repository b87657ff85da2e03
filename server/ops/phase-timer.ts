// Milliseconds of each step of a sequence (start-up), for one debug line at the end: where the
// time of a slow start went, without a profiler.
export class PhaseTimer {
  private readonly phases: Record<string, number> = {};
  private last: number;
  readonly started: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = this.last = now();
  }

  /** Ends the current phase under `name` (and starts the next one). */
  lap(name: string): void {
    const t = this.now();
    this.phases[name] = Math.round(t - this.last);
    this.last = t;
  }

  /** Phases so far in order, plus `total` since construction. */
  summary(): Record<string, number> {
    return { ...this.phases, total: Math.round(this.last - this.started) };
  }
}
