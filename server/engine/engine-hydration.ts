// Start-up: every open trade from the store into the engine's book and side table, sized once for
// the count, with the memory that sizing took faulted in by a worker (page-prefault.ts) and the
// expiries read on another connection while the rows stream (all three for benchmark P6).
import type { OpenBook } from '../book/open-book.ts';
import type { Logger } from '../logger.ts';
import type { ExpirySchedule } from './expiry-schedule.ts';
import type { OpenTradeTable } from './open-trade-table.ts';
import { PagePrefault } from './page-prefault.ts';
import type { TradeRecord } from '../../shared/trade-json.ts';
import type { TradeStorePort } from './ports.ts';

/** The engine's parts hydration fills. */
export interface HydrationTarget {
  store: TradeStorePort;
  book: OpenBook;
  open: OpenTradeTable;
  expiries: ExpirySchedule;
  log: Logger;
  /** Adds a trade known not to be open yet: no duplicate probes. */
  load(r: TradeRecord): void;
  /** Adds a trade through the checked path. */
  add(r: TradeRecord): void;
}

/**
 * Loads every open trade; returns the count. `sized` runs once the count is in and the book sized
 * for it: the moment to start other reads, whose scans would otherwise delay the count while the
 * book grows step by step.
 */
export async function hydrateEngine(t: HydrationTarget, opts: { sized?: () => void } = {}): Promise<number> {
  const t0 = performance.now();
  let countAt = 0;
  let expiries: Promise<Array<{ id: number; expiresAt: Date }>> | undefined;
  // Rows are unique by primary key, so while nothing but this stream has changed the engine, they
  // go in without duplicate probes. Anything else (a trade added or closed meanwhile) shows as a
  // count that differs from the rows loaded, and the rest goes through the checked path.
  let loaded = 0;
  let booked = 0;
  const prefault = new PagePrefault();
  // Managed trades (SPEC §9) are few: their plans and legs so far come first, then join their rows.
  const plans = await t.store.openTradePlans();
  const n = await t.store
    .hydrateOpenTrades({
      // Sized once: growing typed arrays and hash tables a million trades long is ~10 % of start-up (P6).
      expect: (count) => {
        countAt = performance.now() - t0;
        const fresh = [...t.book.reserve(count), ...t.open.reserve(count)];
        prefault.start(fresh, (err) => t.log.warn({ err: String(err) }, 'page prefault failed (start-up is only slower)'));
        // Independent of the rows: read on another connection while they stream.
        expiries = t.store.openTradeExpiries();
        // Awaited once the rows are in, which rethrows its error; until then a rejection must not go
        // unhandled (the stream may still be running, or may fail first and never reach the await).
        expiries.catch((err: unknown) => t.log.debug({ err: String(err) }, 'open-trade expiries failed (reported after the rows)'));
        opts.sized?.();
      },
      trade: (row) => {
        const plan = plans.size === 0 ? undefined : plans.get(row.id);
        const f = plan ? { ...row, plan } : row;
        if (t.open.size !== loaded || t.book.size !== booked) return t.add(f);
        t.load(f);
        loaded++;
        if (f.status !== 'PENDING' && !plan) booked++;
      },
    })
    .finally(() => prefault.stop());
  const t1 = performance.now();
  for (const e of await (expiries ?? t.store.openTradeExpiries())) t.expiries.add(e.id, e.expiresAt.getTime());
  const ms = (a: number, b: number) => Math.round(b - a);
  t.log.debug({ trades: n, bulk: loaded, ms: { countAt: Math.round(countAt), rows: ms(t0, t1), expiries: ms(t1, performance.now()) } }, 'hydration phases');
  return n;
}
