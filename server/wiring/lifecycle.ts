// Declared sequences the composition roots run: start-up and shutdown steps, periodic sweeps. Each
// step is named; one that fails is logged with its name and the rest still run, in order.
import type { Logger } from '../logger.ts';

export interface Step {
  name: string;
  run(): void | Promise<void>;
}

/** Runs every step in order, awaiting each; a failing step is logged and does not stop the rest. */
export async function runSteps(steps: readonly Step[], log: Logger, what: string): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      log.error({ err, step: step.name }, `${what}: step failed; going on with the next`);
    }
  }
}

/** Start-up steps in order; unlike shutdown, the first failure stops start-up (named in the error). */
export async function startSteps(steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      throw new Error(`start-up step failed: ${step.name}`, { cause: err });
    }
  }
}

/** A graceful stop that runs its steps once, however often it is called. */
export function shutdownSequence(steps: readonly Step[], log: Logger): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= runSteps(steps, log, 'shutdown'));
}

/** Synchronous jobs run one after another, each failing alone (sweeps, per-key tick jobs). */
export interface Job<A extends unknown[]> {
  name: string;
  run(...args: A): void;
}

/**
 * Runs `jobs` for each call, each in isolation: a throwing job is logged (its first failure, then
 * every 1,000th, so a job broken for good cannot flood the log once per tick) and the others run.
 */
export function isolatedJobs<A extends unknown[]>(jobs: readonly Job<A>[], log: Logger, what: string): (...args: A) => void {
  const failed = jobFailures(jobs, log, what);
  return (...args: A) => {
    for (let i = 0; i < jobs.length; i++) {
      try {
        jobs[i]!.run(...args);
      } catch (err) {
        failed(i, err);
      }
    }
  };
}

/** Counts job `i`'s failures and logs its 1st, then every 1,000th (a failing job never floods the log). */
export function jobFailures(jobs: readonly { name: string }[], log: Logger, what: string): (i: number, err: unknown) => void {
  const failures = new Array<number>(jobs.length).fill(0);
  return (i, err) => {
    const n = (failures[i] ?? 0) + 1;
    failures[i] = n;
    if (n % 1000 === 1) log.error({ err, job: jobs[i]!.name, failures: n }, `${what}: job failed`);
  };
}
