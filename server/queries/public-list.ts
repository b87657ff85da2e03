// The public trade list with bounded work per request. OFFSET makes PostgreSQL walk every skipped
// row, so offsets stop at `maxOffset` (a 400 naming `page` past it) and deeper pages are reached by
// keyset cursor, which costs the same at any depth. The count (a COUNT(*) over every matching
// system trade) is cached per (filters, read version).
import type { TradeJson } from '../../shared/protocol-types.ts';
import { ValidationError } from '../errors.ts';
import { awaitedLater } from '../ops/awaited-later.ts';
import { decodeCursor, encodeCursor, type ListCursor } from './list-cursor.ts';
import type { ListQuery, PublicListQuery } from './list-query.ts';
import type { ReadVersion } from '../cache/read-version.ts';
import { LIST_FILTER_KEYS, type ListFilters } from './trade-queries.ts';
import { VersionedCache, type CacheOutcome } from '../cache/versioned-cache.ts';

export interface PublicListSource {
  version: ReadVersion;
  countTrades(f: ListFilters): Promise<number>;
  tradePage(q: ListQuery, from: { offset: number } | { after: ListCursor }, limit: number): Promise<{ results: TradeJson[]; cursors: ListCursor[] }>;
}

export interface PublicListLimits {
  /** Rows an offset page may skip (PUBLIC_LIST_MAX_OFFSET). */
  maxOffset: number;
}

export interface PublicListPage {
  count: number;
  results: TradeJson[];
  /** Continues after the last result; null when there is nothing after it. */
  nextCursor: string | null;
  /** How the count was obtained (the `x-cache` header). */
  countOutcome: CacheOutcome;
}

/** Distinct filter combinations whose count is kept (a number each). */
const COUNT_ENTRIES = 512;
/** Uncached counts at once (each a COUNT(*) in PostgreSQL, ~100 ms at 300k; little Node CPU). */
const COUNT_CONCURRENCY = 4;
const COUNT_WAITING = 64;

export class PublicTradeList {
  private readonly counts: VersionedCache<number>;

  constructor(
    private readonly source: PublicListSource,
    readonly limits: PublicListLimits,
  ) {
    this.counts = new VersionedCache({ maxEntries: COUNT_ENTRIES, maxBytes: Infinity, maxConcurrent: COUNT_CONCURRENCY, maxWaiting: COUNT_WAITING });
  }

  /** The deepest page reachable by offset at this page size. */
  maxPage(pageSize: number): number {
    return Math.floor(this.limits.maxOffset / pageSize) + 1;
  }

  async page(q: PublicListQuery): Promise<PublicListPage> {
    const from = this.start(q);
    const version = await this.source.version();
    const counted = this.counts.get(countKey(q), version, () => this.source.countTrades(q));
    awaitedLater(counted); // awaited below, after the page: the count runs beside the page's query
    if ('after' in from) {
      const page = await this.source.tradePage(q, from, q.page_size + 1);
      const more = page.results.length > q.page_size;
      const { value, outcome } = await counted;
      return {
        count: value,
        results: page.results.slice(0, q.page_size),
        nextCursor: more ? encodeCursor(page.cursors[q.page_size - 1]!) : null,
        countOutcome: outcome,
      };
    }
    const page = await this.source.tradePage(q, from, q.page_size);
    const { value: total, outcome } = await counted;
    const last = page.cursors.at(-1);
    return { count: total, results: page.results, nextCursor: last && q.page * q.page_size < total ? encodeCursor(last) : null, countOutcome: outcome };
  }

  /** Where the page starts; a 400 for a cursor that is not one, or an offset past the limit. */
  private start(q: PublicListQuery): { offset: number } | { after: ListCursor } {
    const invalid = (message: string, field: string) => new ValidationError({ code: 'VALIDATION_ERROR', message, field });
    if (q.cursor !== undefined) {
      if (q.page !== 1) throw invalid('give either page or cursor, not both', 'page');
      return { after: decodeCursor(q.cursor, q.ordering) };
    }
    const offset = (q.page - 1) * q.page_size;
    if (offset > this.limits.maxOffset) {
      throw invalid(
        `must be at most ${this.maxPage(q.page_size)} at page_size ${q.page_size} (pages skip at most ${this.limits.maxOffset} rows); follow the \`next\` link (a cursor) for deeper pages`,
        'page',
      );
    }
    return { offset };
  }
}

function countKey(f: ListFilters): string {
  return LIST_FILTER_KEYS.map((k) => f[k] ?? '').join('|');
}
