// Builds the bounded public reads (list and performance/) over TradeQueries, keyed by the ledger
// head: one place, so ROLE=all and ROLE=edge get the same limits.
import type { PublicReadLimits } from '../config.ts';
import type { LedgerDb } from '../persistence/ledger-reads.ts';
import { PerformanceCache, type PerformanceExtras, type PerformanceSource } from '../analytics/performance-cache.ts';
import { PublicTradeList } from './public-list.ts';
import { ledgerReadVersion } from '../cache/read-version.ts';
import type { TradeQueries } from './trade-queries.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';

/**
 * `memory`: performance/'s trades from the engine's in-memory record (ROLE=all and engine);
 * without it (ROLE=edge, no engine events) they are read from SQL at each new ledger version.
 */
export function createPublicReads(queries: TradeQueries, ledgerDb: LedgerDb, limits: PublicReadLimits, extras?: PerformanceExtras, memory?: PerformanceSource) {
  const version = ledgerReadVersion(ledgerDb);
  const list = new PublicTradeList(
    {
      version,
      countTrades: (f) => queries.countTrades(PUBLIC_SCOPE, f),
      tradePage: (q, from, limit) => queries.tradePage(PUBLIC_SCOPE, q, from, limit),
    },
    { maxOffset: limits.listMaxOffset },
  );
  const performance = new PerformanceCache(
    memory ?? { version, metricTrades: (f, now) => queries.metricTrades(PUBLIC_SCOPE, f, now) },
    { maxEntries: limits.performanceCacheEntries, maxBytes: limits.performanceCacheBytes, maxConcurrent: limits.concurrency, maxWaiting: limits.queue },
    extras,
    limits.accountSize,
  );
  return { list, performance };
}
