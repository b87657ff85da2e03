// SPEC §11: the all-bots record leaves unlisted bots out. The listing (server/engine/listed-bots.ts)
// is read from the `bots` table every BOT_LISTING_RECHECK_MS (the CLI that sets a visibility is
// another process); on a change, the engine's in-memory record is rebuilt without SQL: the live
// summary's totals from the performance record's trades, the open trades its live P/L leaves out,
// and a new stream epoch so every viewer resyncs. Cached reads follow the listing's version.
import type { Logger } from '../logger.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { totalsOf, type MetricTrade } from '../../shared/metrics/index.ts';
import type { ListedBots } from '../engine/listed-bots.ts';
import type { PublicState } from '../engine/public-state.ts';
import type { PublicLiveView } from '../engine/public-live-view.ts';
import { RECENT_CLOSED_LIMIT } from '../engine/public-state.ts';
import type { Step } from './lifecycle.ts';

export const BOT_LISTING_RECHECK_MS = 2_000;

/** Polls the unlisted names into `listed`; `refresh` once before serving, then `start`. */
export function watchBotListing(listed: ListedBots, unlistedNames: () => Promise<string[]>, log: Logger, everyMs = BOT_LISTING_RECHECK_MS) {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running = false;
  const refresh = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      if (listed.set(await unlistedNames())) log.info({ unlisted: listed.excluded() }, 'bots out of the all-bots record changed');
    } finally {
      running = false;
    }
  };
  const start: Step = {
    name: 'bot listing watch',
    run: () => {
      timer ??= setInterval(() => refresh().catch((err: unknown) => log.warn({ err: String(err) }, 'bot listing not read (next interval retries)')), everyMs);
      timer.unref();
    },
  };
  const stop: Step = {
    name: 'bot listing watch',
    run: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return { refresh, start, stop };
}

/** Rebuilds the engine's all-bots record whenever the listing changes (synchronously: no event falls between). */
export function rebuildOnListingChange(d: {
  listed: ListedBots;
  live: PublicLiveView;
  publicState: PublicState;
  openSystemTrades(): TradeJson[];
  /** Every system trade, settled and open, as the performance record holds them. */
  recordTrades(): MetricTrade[];
  /** The all-bots record's latest closes from the database (read after the rebuild, merged in). */
  recentClosed(limit: number): Promise<TradeJson[]>;
  restartStream(): void;
  log: Logger;
}): void {
  const { listed, publicState } = d;
  publicState.countOnly((bot) => listed.includes(bot));
  d.listed.onChange(() => {
    d.live.unlistedOpen.reset(d.openSystemTrades());
    const trades = d.recordTrades().filter((t) => listed.includes(t.bot ?? null));
    publicState.reload(totalsOf(trades), publicState.recentClosed());
    d.restartStream();
    // The latest closes the record kept may all have been a now-unlisted bot's: refilled from the database.
    d.recentClosed(RECENT_CLOSED_LIMIT).then(
      (rows) => publicState.mergeRecent(rows),
      (err: unknown) => d.log.warn({ err: String(err) }, 'latest closes not refilled after a listing change'),
    );
  });
}
