// Analytics wiring: per-symbol price extremes (fed by ticks) for signal quality, queried once per
// close; the live benchmark (market prices at each system trade's open and close); and the version
// public performance reads are cached by. All of it over system trades only (the privacy wall).
import type { OpenBook } from '../book/open-book.ts';
import type { TradeEngine } from '../engine/trade-engine.ts';
import type { TradeRow } from '../persistence/rows.ts';
import { PriceExtremes } from '../analytics/price-extremes.ts';
import { SignalQualityService } from '../analytics/signal-quality-service.ts';
import { BenchmarkService } from '../analytics/benchmark-service.ts';
import { PublicTradeRecord } from '../analytics/public-trade-record.ts';
import type { PerformanceSource } from '../analytics/performance-cache.ts';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { tradePriceKey } from '../../shared/price-key.ts';
import type { Consumer } from './engine-consumers.ts';
import { publicOnly } from './engine-consumers.ts';
import type { Job } from './lifecycle.ts';
import type { TickArgs } from './tick-fanout.ts';

export interface AnalyticsWiring {
  /** Engine-event consumers, all public-only; `closes counted` must follow quality and benchmark. */
  consumers: { quality: Consumer; benchmark: Consumer; record: Consumer; closesCounted: Consumer };
  /** Per-key tick jobs: extremes (keys with open system trades only) and the benchmark's prices. */
  tickJobs: { extremes: Job<TickArgs>; benchmark: Job<TickArgs> };
  /** Sweep job: extremes are kept only for keys with open system trades. */
  prune: Job<[]>;
  /** For public performance reads (queries/public-reads.ts). */
  extras: {
    compute(ids: number[]): { analytics: ReturnType<SignalQualityService['compute']>; benchmark: ReturnType<BenchmarkService['compute']> };
    version(): number;
  };
  /** performance/'s trades from memory (SPEC §12: no SQL recompute after each close). */
  performanceSource: PerformanceSource;
  /** Every system trade the record holds, settled and open (the all-bots record's rebuild, wiring/bot-listing.ts). */
  recordTrades(): MetricTrade[];
}

export function wireAnalytics(deps: {
  book: OpenBook;
  engine: TradeEngine;
  feeRate: number;
  closedForAnalytics: TradeRow[];
  settledForPerformance: MetricTrade[];
}): AnalyticsWiring {
  const { book, engine } = deps;
  const record = new PublicTradeRecord(() => engine.openTrades(PUBLIC_SCOPE));
  record.hydrate(deps.settledForPerformance);
  const extremes = new PriceExtremes();
  const quality = new SignalQualityService(extremes);
  quality.hydrate(deps.closedForAnalytics);
  const benchmark = new BenchmarkService(deps.feeRate);
  let publicCloses = 0;
  return {
    consumers: {
      quality: {
        name: 'signal-quality',
        listener: publicOnly({
          // A trade that starts a symbol's ring seeds it with the price known at entry, so its range is complete from entry on.
          opened: (t) => {
            const key = tradePriceKey(t);
            const last = book.lastPrice(key);
            if (last) extremes.record(key, last.price, Date.parse(t.entry_time));
          },
          closed: (t) => quality.closed(t),
        }),
      },
      benchmark: { name: 'benchmark', listener: publicOnly({ opened: (t) => benchmark.opened(t), closed: (t) => benchmark.closedTrade(t) }) },
      record: {
        name: 'performance-record',
        listener: publicOnly({ opened: (t) => record.opened(t), updated: (t) => record.updated(t), closed: (t) => record.closed(t) }),
      },
      // Counted after quality and benchmark have seen the close: a read at the new version sees it in both.
      closesCounted: { name: 'public-closes-version', listener: publicOnly({ closed: () => void publicCloses++ }) },
    },
    tickJobs: {
      // Only keys with open system trades: their trades' closes are what the extremes are for.
      extremes: { name: 'price-extremes', run: (key, price, ts) => engine.hasPublicTrades(key) && extremes.record(key, price, ts) },
      benchmark: { name: 'benchmark-prices', run: (key, price) => benchmark.tick(key, price) },
    },
    prune: { name: 'prune-extremes', run: () => extremes.prune((s) => engine.hasPublicTrades(s)) },
    extras: {
      compute: (ids) => ({ analytics: quality.compute(ids), benchmark: benchmark.compute(ids) }),
      version: () => publicCloses,
    },
    performanceSource: record.source(),
    recordTrades: () => record.trades({}, Date.now()),
  };
}
