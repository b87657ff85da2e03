// Price feed → engine: every tick becomes per-price-key work (shared/price-key.ts, SPEC §10: a tick
// naming a market prices that market's key, one naming none prices both keys of its symbol), done
// by a declared list of jobs in order, each failing alone.
import type { Logger } from '../logger.ts';
import { tickKeySlots } from '../../shared/price-key.ts';
import type { PriceSink } from '../feeds/price-feed.ts';
import { jobFailures, type Job } from './lifecycle.ts';

/**
 * What each per-key job is given: the price key, the price, its timestamp, the time it arrived, and
 * the key's slot (shared/price-key.ts `tickKeySlots`: an array index hint, checked by whoever uses it).
 */
export type TickArgs = [key: string, price: number, ts: number, now: number, slot: number];

export type FeedTick = PriceSink['tick'];

/**
 * The feed's tick handler: `onTick` once per tick, then `jobs` in order for each of its keys.
 * `clock` gives each tick's arrival time (`Date.now`; the book bench passes its own tick clock).
 * Each job fails alone, counted and logged as lifecycle.ts `isolatedJobs` does (`jobFailures`); the jobs are called with their five arguments, not spread from an array (benchmarks P1.candles).
 */
export function tickFanout(jobs: readonly Job<TickArgs>[], onTick: () => void, log: Logger, clock: () => number = Date.now): FeedTick {
  const failed = jobFailures(jobs, log.child({ module: 'tick' }), 'tick');
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
