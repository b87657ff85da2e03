// Builds the bounded public reads (list, performance/, bots) over TradeQueries, keyed by the ledger
// head: one place, so ROLE=all and ROLE=edge get the same limits.
import type { PublicReadLimits } from '../config.ts';
import { ledgerOfTrade, type LedgerDb } from '../persistence/ledger-reads.ts';
import type { OpenPositionJson, PublicTradeDetail, TradeJson } from '../../shared/protocol-types.ts';
import { botTicker } from './bot-ticker.ts';
import { PerformanceCache, type PerformanceExtras, type PerformanceSource } from '../analytics/performance-cache.ts';
import { PublicTradeList, type PublicListSource } from './public-list.ts';
import { exportCsv } from './public-export.ts';
import { publicListQuerySchema, type PublicListQuery } from './list-query.ts';
import { isClosedStatus } from '../../shared/constants.ts';
import { ledgerReadVersion, type ReadVersion } from '../cache/read-version.ts';
import type { ListedBots } from '../engine/listed-bots.ts';
import type { TradeQueries } from './trade-queries.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { BotDirectory } from './bot-directory.ts';
import { BotRepository } from '../persistence/bot-repository.ts';

/** Which bots the all-bots record counts (server/engine/listed-bots.ts): what its reads filter and are versioned by. */
export type RecordListing = Pick<ListedBots, 'version' | 'everyone' | 'includes'>;

/**
 * `memory`: performance/'s trades from the engine's in-memory record (ROLE=all and engine);
 * without it (ROLE=edge, no engine events) they are read from SQL at each new ledger version.
 * `listing`: unlisted bots are out of every read that names no bot (SPEC §11); the SQL reads
 * filter in TradeQueries, the in-memory record here; both are cached by (ledger, listing) version.
 */
export function createPublicReads(
  queries: TradeQueries,
  ledgerDb: LedgerDb,
  limits: PublicReadLimits,
  listing: RecordListing,
  extras?: PerformanceExtras,
  memory?: PerformanceSource,
) {
  const version = withListing(ledgerReadVersion(ledgerDb), listing);
  const listSource: PublicListSource = {
    version,
    countTrades: (f) => queries.countTrades(PUBLIC_SCOPE, f),
    tradePage: (q, from, limit) => queries.tradePage(PUBLIC_SCOPE, q, from, limit),
  };
  const list = new PublicTradeList(listSource, { maxOffset: limits.listMaxOffset });
  const performance = new PerformanceCache(
    memory
      ? {
          version: withListing(memory.version, listing),
          metricTrades: async (f, now) => {
            const trades = await memory.metricTrades(f, now);
            return f.bot !== undefined || listing.everyone ? trades : trades.filter((t) => listing.includes(t.bot ?? null));
          },
        }
      : { version, metricTrades: (f, now) => queries.metricTrades(PUBLIC_SCOPE, f, now) },
    { maxEntries: limits.performanceCacheEntries, maxBytes: limits.performanceCacheBytes, maxConcurrent: limits.concurrency, maxWaiting: limits.queue },
    extras,
    limits.accountSize,
  );
  const repo = new BotRepository((sql, bindings) => ledgerDb.query(sql, bindings));
  const bots = new BotDirectory(
    { version, figures: () => repo.figures(), settings: () => repo.settings() },
    { maxConcurrent: limits.concurrency, maxWaiting: limits.queue },
  );
  /** One system trade with its ledger rows (SPEC §13), or null when no system trade has that id. */
  const trade = async (id: number): Promise<PublicTradeDetail | null> => {
    const t = await queries.getTrade(PUBLIC_SCOPE, id);
    return t && { ...t, ledger: await ledgerOfTrade(ledgerDb, id) };
  };
  /** A bot's latest closes, newest first: the list by exit time, whose NULLs (open trades) sort last. */
  const recentClosed = async (bot: string, n: number): Promise<TradeJson[]> => {
    const q = publicListQuerySchema.parse({ bot, ordering: '-exit_time', page_size: String(n) });
    return (await listSource.tradePage(q, { offset: 0 }, n)).results.filter((t) => isClosedStatus(t.status));
  };
  const lastClosed = async (bot: string): Promise<TradeJson | null> => (await recentClosed(bot, 1))[0] ?? null;
  return { list, performance, bots, trade, lastClosed, recentClosed, exportCsv: (q: PublicListQuery) => exportCsv(listSource, q) };
}

/** A read version that also moves when the listing changes (a ledger seq stays far below 2^40). */
function withListing(v: ReadVersion, listing: RecordListing): ReadVersion {
  return async () => (await v()) + listing.version * 2 ** 40;
}

/** A bot's ticker frames over these reads and the live open positions (server/queries/bot-ticker.ts). */
export function botTickerOf(reads: ReturnType<typeof createPublicReads>, live: { openPositions(): OpenPositionJson[] }) {
  return (bot: string) =>
    botTicker(
      { bot: async (name) => (await reads.bots.find(name)).bot, lastClosed: (b) => reads.lastClosed(b), openPositions: () => live.openPositions() },
      bot,
    );
}
