// The engine: signals in, ticks in, closes out. Owns the book, writes through the store port,
// and announces only what the database holds (opened/closed events go out after commit).
import { signalCancelSchema, signalSchema } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import { quantityFor } from '../../shared/trade-math.ts';
import { priceKey } from '../../shared/price-key.ts';
import type { SignalAck, SimpleAck, TradeJson } from '../../shared/protocol-types.ts';
import type { OpenBook } from '../book/open-book.ts';
import type { BookClose, BookTrade } from '../book/types.ts';
import type { TokenIdentity } from '../auth/token-auth.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { EngineEvents } from './engine-events.ts';
import type { CloseRecord, OpenTradeFields, OwnedTrade, TradeStorePort } from './ports.ts';
import type { PublicState } from './public-state.ts';
import { CloseWriter, toCloseRecord } from './close-writer.ts';
import { PendingEntries } from './pending-entries.ts';
import { ExpirySchedule } from './expiry-schedule.ts';
import { WatchedMarkets } from './watched-markets.ts';
import { OpenTradeTable } from './open-trade-table.ts';
import { hydrateEngine } from './engine-hydration.ts';
import { fieldsAreCompact, fieldsToJson, jsonIsCompact, jsonToFields, openTradeJson } from './open-trade-json.ts';
import { inScope, PUBLIC_SCOPE, type TradeScope } from '../privacy/trade-scope.ts';

export interface EngineOptions {
  positionSize: number;
  /** `touch`: trades wait as PENDING until the price touches entry (SPEC §2). */
  entryMode?: 'signal' | 'touch';
  now?: () => number;
}

export class TradeEngine {
  /** Open trades' fields beyond the book's terms; their TradeJson is built on demand (snapshots, closes). */
  private readonly open = new OpenTradeTable();
  /** Trades the book has closed whose close is not yet committed: still open to everyone else until then. */
  private readonly closing = new Map<number, BookTrade>();
  private ingesting = 0;
  private readonly closes: CloseWriter;
  private readonly now: () => number;
  private readonly pending = new PendingEntries();
  private readonly expiries = new ExpirySchedule();
  private readonly watched = new WatchedMarkets();
  /** The same counts over system trades only: which symbols the public may see prices of. */
  private readonly publicWatched = new WatchedMarkets();

  constructor(
    private readonly book: OpenBook,
    private readonly store: TradeStorePort,
    private readonly events: EngineEvents,
    private readonly publicState: PublicState,
    private readonly opts: EngineOptions,
    private readonly log: Logger,
  ) {
    this.now = opts.now ?? Date.now;
    this.closes = new CloseWriter(store, log, (rec, persisted) => this.announceClose(rec, persisted));
  }

  /** Book listener: every close the book decides goes through here exactly once. */
  onBookClose(c: BookClose): void {
    this.closing.set(c.trade.id, c.trade);
    this.closes.write(toCloseRecord(c));
  }

  /** Loads every open trade from the store (engine-hydration.ts); `sized` runs once the book is sized. */
  hydrate(opts: { sized?: () => void } = {}): Promise<number> {
    return hydrateEngine(
      { store: this.store, book: this.book, open: this.open, expiries: this.expiries, log: this.log, load: (f) => this.loadFields(f), add: (f) => this.addFields(f) },
      opts,
    );
  }

  /** An open trade (or one whose close is not yet committed) with its owner, built on demand. */
  openTrade(id: number): OwnedTrade | undefined {
    const side = this.open.get(id);
    if (!side) return undefined;
    const whole = this.open.wholeOf(id);
    if (whole) return { trade: whole, userId: side.userId };
    const b = this.book.get(id) ?? this.closing.get(id);
    return b ? { trade: openTradeJson(b, side), userId: side.userId } : undefined;
  }

  /** Open trades inside the scope (the wall, server/privacy/trade-scope.ts), newest first. */
  openTrades(scope: TradeScope): TradeJson[] {
    const out: TradeJson[] = [];
    if (scope.kind === 'user') {
      // The book indexes trades by user: a user's snapshot does not scan the whole book.
      for (const b of this.book.trades({ userId: scope.userId })) {
        const side = this.open.get(b.id);
        if (side && inScope(scope, side.userId)) out.push(this.open.wholeOf(b.id) ?? openTradeJson(b, side));
      }
      return out.reverse();
    }
    // In the order trades entered, like the Map this replaced.
    for (const id of this.open.idsInOrder((userId) => inScope(scope, userId))) {
      const o = this.openTrade(id);
      if (o) out.push(o.trade);
    }
    return out.reverse();
  }

  /** Symbols with open trades, split by market (a feed prices SPOT and FUTURES from different streams). */
  watchedMarkets(): { spot: Set<string>; futures: Set<string> } {
    return this.watched.sets();
  }

  /** Price keys (shared/price-key.ts) of every open trade: what the staleness sweep watches. */
  watchedKeys(): Set<string> {
    return this.watched.keys();
  }

  /** Whether a system trade holds this price key: the public may see its prices (privacy wall, per market). */
  hasPublicTrades(key: string): boolean {
    return this.publicWatched.hasKey(key);
  }

  /** Signals between receipt and commit (the public stream yields to them, see PublicStream). */
  get ingestsInFlight(): number {
    return this.ingesting;
  }

  get pendingCloses(): number {
    return this.closes.pending;
  }

  async ingestSignal(payload: unknown, identity: TokenIdentity): Promise<SignalAck> {
    const parsed = parseWith(signalSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    // A position too small to hold at 8 decimals (a huge entry price) would be stored with quantity 0.
    if (!(quantityFor(this.opts.positionSize, parsed.value.leverage, parsed.value.entry) > 0)) {
      throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'entry is too large for the position size (quantity rounds to 0)', field: 'entry' });
    }
    const source = identity.env ? (parsed.value.source ?? 'default') : identity.name;
    this.ingesting++;
    let r: Awaited<ReturnType<TradeStorePort['ingestSignal']>>;
    try {
      r = await this.store.ingestSignal(
        { ...parsed.value, source },
        {
          positionSize: this.opts.positionSize,
          now: new Date(this.now()),
          entryStatus: this.opts.entryMode === 'touch' ? 'PENDING' : 'OPEN',
        },
      );
    } finally {
      this.ingesting--;
    }
    if (!r.duplicate && r.trade && !this.open.has(r.trade.id)) {
      this.addOpen({ trade: r.trade, userId: null });
      if (parsed.value.expires_at) this.expiries.add(r.trade.id, parsed.value.expires_at.getTime());
      this.publicState.opened();
      this.events.opened(r.trade, null);
    }
    return { ok: true, signal_id: r.signalId, trade_id: r.trade?.id ?? null, duplicate: r.duplicate };
  }

  /** A user's manual trade, already stored by the caller: enters the book like any other. */
  addUserTrade(t: OwnedTrade): void {
    this.addOpen(t);
    this.events.opened(t.trade, t.userId);
  }

  async cancelSignal(payload: unknown, identity: TokenIdentity): Promise<SimpleAck> {
    const parsed = parseWith(signalCancelSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const source = identity.env ? null : identity.name;
    const ref = await this.store.findSignal(source, {
      signalId: parsed.value.signal_id,
      externalId: parsed.value.external_id,
    });
    if (!ref) throw new NotFoundError('no such signal');
    if (ref.status === 'CANCELLED') return { ok: true };
    if (ref.tradeId !== null && this.pending.has(ref.tradeId)) {
      const side = this.open.get(ref.tradeId)!;
      await this.cancelPending(ref.tradeId, this.book.lastPrice(priceKey(side.symbol, side.marketType))?.price);
    } else if (ref.tradeId !== null && this.open.has(ref.tradeId)) {
      await this.closeManually(ref.tradeId, 'CLOSED_MANUAL');
    } else if (ref.tradeId !== null) {
      throw new ConflictError('the signal’s trade is already closed');
    }
    await this.store.markSignalCancelled(ref.id);
    return { ok: true };
  }

  /** Closes an open trade at its symbol's last price; resolves once the close is committed. */
  async closeManually(id: number, status: 'CLOSED_MANUAL' | 'CLOSED_EXPIRED'): Promise<TradeJson> {
    const c = this.book.close(id, status, this.now());
    if (!c) throw new ConflictError('trade is not open');
    return this.closes.whenWritten(id);
  }

  /**
   * One price tick for one price key (shared/price-key.ts: the symbol, or `SYMBOL.P` for futures).
   * Older-than-last ticks are ignored (SPEC §2). Returns trades closed, or -1.
   */
  tick(key: string, price: number, ts: number): number {
    const last = this.book.lastPrice(key);
    if (last && ts < last.ts) return -1;
    // The price goes out before any close it causes, in the same delta (SPEC §5).
    this.events.price(key, price, ts);
    if (this.pending.size > 0) this.decidePending(key, price, ts);
    return this.book.tick(key, price, ts);
  }

  /** Closes (open) or cancels (pending) every trade whose signal expired by `now`. */
  expireDue(now: number = this.now()): number {
    let n = 0;
    for (const id of this.expiries.due(now)) {
      if (this.pending.has(id)) {
        void this.cancelPending(id, undefined).catch(() => {});
        n++;
      } else if (this.book.close(id, 'CLOSED_EXPIRED', now)) n++;
    }
    return n;
  }

  private decidePending(symbol: string, price: number, ts: number): void {
    for (const o of this.pending.tick(symbol, price)) {
      const t = o.entry.trade;
      if (o.kind === 'invalidated') {
        void this.writeCancel(t.id, price, ts);
        continue;
      }
      // Filled at the entry level, from this tick on; the activation is written in the background
      // (a close of a trade still PENDING in the database is accepted by the same guard).
      const at = new Date(Math.max(ts, Date.parse(t.entry_time)));
      const opened: OwnedTrade = { userId: o.entry.userId, trade: { ...t, status: 'OPEN', entry_time: at.toISOString(), updated_at: at.toISOString() } };
      this.addOpen(opened);
      this.events.opened(opened.trade, opened.userId);
      this.store.activateTrade(t.id, at).catch((err: unknown) => this.log.warn({ err: String(err), trade: t.id }, 'activation not written'));
    }
  }

  private cancelPending(id: number, price: number | undefined): Promise<TradeJson> {
    const entry = this.pending.remove(id);
    if (!entry) return Promise.reject(new ConflictError('trade is not pending'));
    return this.writeCancel(id, price ?? entry.trade.entry_price, this.now());
  }

  /** A pending trade that never filled: CANCELLED, no fees, no P/L. */
  private writeCancel(id: number, price: number, ts: number): Promise<TradeJson> {
    const done = this.closes.whenWritten(id);
    this.closes.write({ id, status: 'CANCELLED', exitPrice: price, exitTime: new Date(ts), fees: 0, profitLoss: 0, profitLossPercentage: 0, priceGap: false });
    return done;
  }

  markGap(key: string): void {
    this.markGaps(new Set([key]));
  }

  /** One pass over the open trades for many price keys at once (null = every open trade): start-up and stale sweeps. */
  markGaps(keys: ReadonlySet<string> | null): void {
    const marked = this.open.markGaps(keys);
    for (const k of marked) this.book.markGap(k);
    if (keys !== null) for (const k of keys) if (!marked.has(k)) this.book.markGap(k);
  }

  /** A trade given as TradeJson (ingest, user trade, activation): kept whole only if the fields cannot rebuild it. */
  private addOpen(t: OwnedTrade): void {
    const f = jsonToFields(t.trade, t.userId);
    this.addFields(f, jsonIsCompact(t.trade, f) ? undefined : t.trade);
  }

  private addFields(f: OpenTradeFields, whole?: TradeJson): void {
    if (!this.open.has(f.id)) this.watch(f);
    const keep = whole ?? keptWhole(f);
    this.open.set(f, keep);
    if (f.status === 'PENDING') this.addPending(f, keep!);
    else this.book.add(bookTerms(f));
  }

  /** addFields for a trade known not to be open yet (hydration, see `hydrate`): no duplicate probes. */
  private loadFields(f: OpenTradeFields): void {
    this.watch(f);
    const keep = keptWhole(f);
    this.open.insert(f, keep);
    if (f.status === 'PENDING') this.addPending(f, keep!);
    else this.book.addUnique(bookTerms(f));
  }

  private watch(f: OpenTradeFields): void {
    this.watched.add(f.marketType, f.symbol);
    if (inScope(PUBLIC_SCOPE, f.userId)) this.publicWatched.add(f.marketType, f.symbol);
  }

  private addPending(f: OpenTradeFields, whole: TradeJson): void {
    this.pending.add({ trade: whole, userId: f.userId }, this.book.lastPrice(priceKey(f.symbol, f.marketType))?.price);
  }

  private announceClose(rec: CloseRecord, persisted: boolean): TradeJson | null {
    const o = this.openTrade(rec.id);
    this.closing.delete(rec.id);
    if (!o) return null;
    this.open.delete(rec.id);
    this.watched.remove(o.trade.market_type, o.trade.symbol);
    if (inScope(PUBLIC_SCOPE, o.userId)) this.publicWatched.remove(o.trade.market_type, o.trade.symbol);
    if (!persisted) {
      // Another process closed it first: the database holds its close, not ours. Nothing to announce
      // here (the winner announces it), but our summary takes the database's close so it stays true.
      this.log.warn({ trade: rec.id }, 'trade was already closed elsewhere');
      if (inScope(PUBLIC_SCOPE, o.userId)) void this.foldForeignClose(rec.id);
      return null;
    }
    const closed: TradeJson = {
      ...o.trade,
      status: rec.status,
      exit_price: rec.exitPrice,
      exit_time: rec.exitTime.toISOString(),
      fees: rec.fees,
      profit_loss: rec.profitLoss,
      profit_loss_percentage: rec.profitLossPercentage,
      price_gap: rec.priceGap,
      updated_at: rec.exitTime.toISOString(),
    };
    if (inScope(PUBLIC_SCOPE, o.userId)) {
      if (rec.status === 'CANCELLED') this.publicState.cancelled();
      else this.publicState.closed(closed);
    }
    this.events.closed(closed, o.userId);
    return closed;
  }

  private async foldForeignClose(id: number): Promise<void> {
    const t = await this.store.getTrade(id).catch(() => null);
    if (!t) return;
    if (t.trade.status === 'CANCELLED') this.publicState.cancelled();
    else if (t.trade.status.startsWith('CLOSED_')) this.publicState.closed(t.trade);
  }

  /** For shutdown: wait until queued closes are written (or the deadline passes). */
  flush(deadlineMs: number): Promise<boolean> {
    return this.closes.drain(deadlineMs);
  }

  static unavailable(): UnavailableError {
    return new UnavailableError('database unavailable');
  }
}

/**
 * The book keys trades by price key (SPEC §10), so a FUTURES trade enters it under `SYMBOL.P`; the
 * pure book never learns of markets. SPOT trades (the bulk) enter as they are: no copy.
 */
function bookTerms(f: OpenTradeFields): BookTrade {
  return f.marketType === 'FUTURES' ? { ...f, symbol: priceKey(f.symbol, 'FUTURES') } : f;
}

/** The wire form kept whole for a trade the book's terms and side fields cannot rebuild (pending, unusual). */
function keptWhole(f: OpenTradeFields): TradeJson | undefined {
  return f.status === 'PENDING' || !fieldsAreCompact(f) ? fieldsToJson(f) : undefined;
}
