// The engine's open trades: the book holds their terms, the side table the rest, pending (touch
// mode) trades wait outside the book, and the watch counts follow every add and remove. The wire
// form of an open trade is built here on demand (shared/trade-json.ts), from the record the book and
// the table give together.
import { priceKey } from '../../shared/price-key.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { isManagedPlan, tradeJson, tradeRecordFromJson, type TradeRecord } from '../../shared/trade-json.ts';
import { ManagedOpenTrades } from './managed-open-trades.ts';
import type { OpenBook } from '../book/open-book.ts';
import type { BookTrade } from '../book/types.ts';
import { inScope, PUBLIC_SCOPE, type TradeScope } from '../privacy/trade-scope.ts';
import { OpenTradeTable, type OpenTradeSide } from './open-trade-table.ts';
import { jsonIsCompact, keptWhole } from './open-trade-record.ts';
import { PendingEntries } from './pending-entries.ts';
import type { OwnedTrade } from './ports.ts';
import { WatchedMarkets } from './watched-markets.ts';

export class OpenTrades {
  /** Open trades' fields beyond the book's terms; their TradeJson is built on demand (snapshots, closes). */
  readonly table = new OpenTradeTable();
  readonly pending = new PendingEntries();
  /** Trades the book has closed whose close is not yet committed: still open to everyone else until then. */
  private readonly closing = new Map<number, BookTrade>();
  private readonly watched = new WatchedMarkets();
  /** The same counts over system trades only: which symbols the public may see prices of. */
  private readonly publicWatched = new WatchedMarkets();

  /** Trades with a §9 plan (several targets, a moving or trailing stop): decided by the managed book, not the OpenBook. */
  readonly managed: ManagedOpenTrades;

  constructor(private readonly book: OpenBook) {
    this.managed = new ManagedOpenTrades(book.feeRate);
  }

  has(id: number): boolean {
    return this.table.has(id);
  }

  side(id: number): OpenTradeSide | undefined {
    return this.table.get(id);
  }

  /** An open trade (or one whose close is not yet committed) with its owner. */
  get(id: number): OwnedTrade | undefined {
    const whole = this.table.wholeOf(id);
    if (whole) {
      const side = this.table.get(id);
      return side ? { trade: whole, userId: side.userId } : undefined;
    }
    const m = this.managed.terms(id);
    if (m) {
      const r = this.table.record(id, m);
      return r ? { trade: tradeJson(this.managed.complete(id, r)), userId: r.userId } : undefined;
    }
    const b = this.book.get(id) ?? this.closing.get(id);
    const r = b && this.table.record(id, b);
    return r ? { trade: tradeJson(r), userId: r.userId } : undefined;
  }

  /** Open trades inside the scope (the wall, server/privacy/trade-scope.ts), newest first. */
  list(scope: TradeScope): TradeJson[] {
    const out: TradeJson[] = [];
    if (scope.kind === 'user') {
      // The book indexes trades by user: a user's snapshot does not scan the whole book.
      for (const b of this.book.trades({ userId: scope.userId })) {
        const r = this.table.record(b.id, b);
        if (r && inScope(scope, r.userId)) out.push(this.table.wholeOf(b.id) ?? tradeJson(r));
      }
      for (const id of this.managed.ids(scope.userId)) {
        const o = this.get(id);
        if (o && inScope(scope, o.userId)) out.push(o.trade);
      }
      out.sort((a, b) => a.id - b.id);
      return out.reverse();
    }
    // In the order trades entered, like the Map this replaced.
    for (const id of this.table.idsInOrder((userId) => inScope(scope, userId))) {
      const o = this.get(id);
      if (o) out.push(o.trade);
    }
    return out.reverse();
  }

  watchedMarkets(): { spot: Set<string>; futures: Set<string> } {
    return this.watched.sets();
  }

  watchedKeys(): Set<string> {
    return this.watched.keys();
  }

  hasPublicTrades(key: string): boolean {
    return this.publicWatched.hasKey(key);
  }

  /** A trade given as TradeJson (ingest, user trade, activation): kept whole only if the record cannot rebuild it. */
  addOwned(t: OwnedTrade): void {
    const r = tradeRecordFromJson(t.trade, t.userId);
    this.add(r, jsonIsCompact(t.trade, r) ? undefined : t.trade);
  }

  /** Adds (or replaces) a trade through the checked path. */
  add(r: TradeRecord, whole?: TradeJson): void {
    if (!this.table.has(r.id)) this.watch(r);
    const keep = whole ?? keptWhole(r);
    this.table.set(r, keep);
    this.enter(r, keep, false);
  }

  /** add for a trade known not to be open yet (start-up hydration: ids unique by primary key): no duplicate probes. */
  load(r: TradeRecord): void {
    this.watch(r);
    const keep = keptWhole(r);
    this.table.insert(r, keep);
    this.enter(r, keep, true);
  }

  /** The book closed it: keep its terms until the close is committed (it is still open to readers). */
  closingStarted(t: BookTrade): void {
    this.closing.set(t.id, t);
  }

  /** The close was written (by us or elsewhere): the trade leaves. Returns it as it stood, if it was here. */
  remove(id: number): OwnedTrade | undefined {
    const o = this.get(id);
    this.closing.delete(id);
    this.managed.remove(id);
    if (!o) return undefined;
    this.table.delete(id);
    this.watched.remove(o.trade.market_type, o.trade.symbol);
    if (inScope(PUBLIC_SCOPE, o.userId)) this.publicWatched.remove(o.trade.market_type, o.trade.symbol);
    return o;
  }

  /** One pass over the open trades for many price keys at once (null = every open trade). */
  markGaps(keys: ReadonlySet<string> | null): void {
    const marked = this.table.markGaps(keys);
    for (const k of marked) this.book.markGap(k);
    if (keys !== null) for (const k of keys) if (!marked.has(k)) this.book.markGap(k);
  }

  /** Last price of a trade's price key (pending cancels exit there). */
  lastPriceOf(side: OpenTradeSide): number | undefined {
    return this.book.lastPrice(priceKey(side.symbol, side.marketType))?.price;
  }

  private enter(r: TradeRecord, whole: TradeJson | undefined, unique: boolean): void {
    if (r.status === 'PENDING') {
      // keptWhole keeps every PENDING trade whole: the pending list decides on its wire form.
      this.pending.add({ trade: whole ?? tradeJson(r), userId: r.userId }, this.book.lastPrice(priceKey(r.symbol, r.marketType))?.price);
    } else if (r.plan && isManagedPlan(r.plan)) this.managed.add(priceKey(r.symbol, r.marketType), r, r.plan);
    else if (unique) this.book.addUnique(bookTerms(r));
    else this.book.add(bookTerms(r));
  }

  private watch(r: TradeRecord): void {
    this.watched.add(r.marketType, r.symbol);
    if (inScope(PUBLIC_SCOPE, r.userId)) this.publicWatched.add(r.marketType, r.symbol);
  }
}

/**
 * The book keys trades by price key (SPEC §10), so a FUTURES trade enters it under `SYMBOL.P`; the
 * pure book never learns of markets. SPOT trades (the bulk) enter as they are: no copy.
 */
function bookTerms(r: TradeRecord): BookTrade {
  return r.marketType === 'FUTURES' ? { ...r, symbol: priceKey(r.symbol, 'FUTURES') } : r;
}
