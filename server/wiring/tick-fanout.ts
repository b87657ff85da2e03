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
 * The per-key jobs: `each` in order, then the candle builder, then the engine. Those two run on
 * every tick and are called each from a call site of its own; `each` share one. V8 inlines a call
 * only where the site has seen one function, and a site that has seen several costs a generic call
 * (benchmarks P1.candles: the candles job behind the engine's shared site added ~20 ns a tick,
 * from a site of its own ~10). The builder goes before the engine: it reads one record, and run
 * first that read overlaps the book's (P1.candles, 3–5 ns less a tick). The two touch nothing
 * of each other's, so the order changes no result.
 */
export interface TickJobs {
  each: readonly Job<TickArgs>[];
  candles?: Job<TickArgs>;
  engine?: Job<TickArgs>;
}

/**
 * The feed's tick handler: `onTick` once per tick, then the jobs (a plain list: `each` alone) for
 * each of its keys. `clock` gives each tick's arrival time (`Date.now`; the book bench passes its
 * own tick clock). Each job fails alone, counted and logged as lifecycle.ts `isolatedJobs` does
 * (`jobFailures`); the jobs are called with their five arguments, not spread from an array (P1.candles).
 */
export function tickFanout(jobs: readonly Job<TickArgs>[] | TickJobs, onTick: () => void, log: Logger, clock: () => number = Date.now): FeedTick {
  const { each, candles, engine }: TickJobs = 'each' in jobs ? jobs : { each: jobs };
  const named = [...each, ...(candles ? [candles] : []), ...(engine ? [engine] : [])];
  const failed = jobFailures(named, log.child({ module: 'tick' }), 'tick');
  const candlesAt = each.length;
  const engineAt = named.length - 1;
  return (symbol, price, ts, market) => {
    onTick();
    const now = clock();
    const { keys, slots } = tickKeySlots(symbol, market);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const slot = slots[k]!;
      for (let i = 0; i < each.length; i++) {
        try {
          each[i]!.run(key, price, ts, now, slot);
        } catch (err) {
          failed(i, err);
        }
      }
      if (candles !== undefined) {
        try {
          candles.run(key, price, ts, now, slot);
        } catch (err) {
          failed(candlesAt, err);
        }
      }
      if (engine !== undefined) {
        try {
          engine.run(key, price, ts, now, slot);
        } catch (err) {
          failed(engineAt, err);
        }
      }
    }
  };
}
