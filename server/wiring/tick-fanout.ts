// Price feed → engine: every tick becomes per-price-key work (shared/price-key.ts, SPEC §10: a tick
// naming a market prices that market's key, one naming none prices both keys of its symbol), done
// by a declared list of jobs in order, each failing alone.
import type { Logger } from '../logger.ts';
import { tickKeySlots } from '../../shared/price-key.ts';
import type { PriceSink } from '../feeds/price-feed.ts';
import type { Job } from './lifecycle.ts';

/**
 * What each per-key job is given: the price key, the price, its timestamp, the time it arrived, and
 * the key's slot (shared/price-key.ts `tickKeySlots`: an array index hint, checked by whoever uses it).
 */
export type TickArgs = [key: string, price: number, ts: number, now: number, slot: number];

export type FeedTick = PriceSink['tick'];

/**
 * The feed's tick handler: `onTick` once per tick, then `jobs` in order for each of its keys.
 * `clock` gives each tick's arrival time (`Date.now`; the book bench passes its own tick clock).
 * Each job fails alone, logged like lifecycle.ts `isolatedJobs` (its 1st failure, then every
 * 1,000th); the jobs are called with their five arguments, not spread from an array (benchmarks P1.candles).
 */
export function tickFanout(jobs: readonly Job<TickArgs>[], onTick: () => void, log: Logger, clock: () => number = Date.now): FeedTick {
  const tickLog = log.child({ module: 'tick' });
  const failures = new Array<number>(jobs.length).fill(0);
  const failed = (i: number, err: unknown): void => {
    const n = (failures[i] as number) + 1;
    failures[i] = n;
    if (n % 1000 === 1) tickLog.error({ err, job: jobs[i]!.name, failures: n }, 'tick: job failed');
  };
  return (symbol, price, ts, market) => {
    onTick();
    const now = clock();
    const { keys, slots } = tickKeySlots(symbol, market);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const slot = slots[k]!;
      for (let i = 0; i < jobs.length; i++) {
        try {
          jobs[i]!.run(key, price, ts, now, slot);
        } catch (err) {
          failed(i, err);
        }
      }
    }
  };
}
