// The engine: signals in, ticks in, closes out. Owns the book, writes through the store port,
// and announces only what the database holds (opened/closed events go out after commit).
import { signalCancelSchema, signalSchema } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import { quantityFor } from '../../shared/trade-math.ts';
import type { SignalAck, SimpleAck, TradeJson } from '../../shared/protocol-types.ts';
import type { OpenBook } from '../book/open-book.ts';
import type { BookClose } from '../book/types.ts';
import type { TokenIdentity } from '../auth/token-auth.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { EngineEvents } from './engine-events.ts';
import type { IngestResult, OwnedTrade, TradeStorePort } from './ports.ts';
import type { PublicState } from './public-state.ts';
import { CloseWriter, toCloseRecord } from './close-writer.ts';
import { CloseAnnouncer } from './close-announcer.ts';
import { ExpirySchedule } from './expiry-schedule.ts';
import { OpenTrades } from './open-trades.ts';
import { hydrateEngine } from './engine-hydration.ts';
import { LegWriter } from './leg-writer.ts';
import { LegAnnouncer } from './leg-announcer.ts';
import { SignalUpdater } from './signal-updater.ts';
import type { TradeFills } from './managed-open-trades.ts';
import type { ProfitLoss } from '../../shared/trade-math.ts';
import { PUBLIC_SCOPE, inScope, type TradeScope } from '../privacy/trade-scope.ts';

export interface EngineOptions {
  positionSize: number;
  /** `touch`: trades wait as PENDING until the price touches entry (SPEC §2). */
  entryMode?: 'signal' | 'touch';
  now?: () => number;
}

export class TradeEngine {
  /** Open trades: the book's terms plus the side table, pending entries and watch counts (open-trades.ts). */
  private readonly open: OpenTrades;
  private ingesting = 0;
  private readonly closes: CloseWriter;
  /** After each close is written: who hears of it (close-announcer.ts). */
  private readonly announcer: CloseAnnouncer;
  private readonly now: () => number;
  private readonly expiries = new ExpirySchedule();
  /** Managed trades' fills (SPEC §9 legs): written in order per trade, announced after commit. */
  private readonly legs: LegWriter;
  private readonly legAnnouncer: LegAnnouncer;
  private readonly updates: SignalUpdater;

  constructor(
    private readonly book: OpenBook,
    private readonly store: TradeStorePort,
    private readonly events: EngineEvents,
    private readonly publicState: PublicState,
    private readonly opts: EngineOptions,
    private readonly log: Logger,
  ) {
    this.now = opts.now ?? Date.now;
    this.open = new OpenTrades(book);
    this.announcer = new CloseAnnouncer(this.open, store, events, publicState, log);
    this.closes = new CloseWriter(store, log, (rec, persisted) => this.announcer.announce(rec, persisted));
    this.legAnnouncer = new LegAnnouncer(this.open, events, this.announcer);
    this.legs = new LegWriter(store, log, (o) => this.legAnnouncer.settle(o));
    this.updates = new SignalUpdater(store, this.open, book, events);
  }

  /** SPEC §9: new terms for an open signal's unfilled part (signal-updater.ts); acked after commit. */
  updateSignal(payload: unknown, identity: TokenIdentity): Promise<SignalAck> {
    return this.updates.update(payload, identity);
  }

  /** Book listener: every close the book decides goes through here exactly once. */
  onBookClose(c: BookClose): void {
    this.open.closingStarted(c.trade);
    this.closes.write(toCloseRecord(c));
  }

  /** Loads every open trade from the store (engine-hydration.ts); `sized` runs once the book is sized. */
  hydrate(opts: { sized?: () => void } = {}): Promise<number> {
    return hydrateEngine(
      {
        store: this.store,
        book: this.book,
        open: this.open.table,
        expiries: this.expiries,
        log: this.log,
        load: (r) => this.open.load(r),
        add: (r) => this.open.add(r),
      },
      opts,
    );
  }

  /** An open trade (or one whose close is not yet committed) with its owner, built on demand. */
  openTrade(id: number): OwnedTrade | undefined {
    return this.open.get(id);
  }

  /** Open trades inside the scope (the wall, server/privacy/trade-scope.ts), newest first. */
  openTrades(scope: TradeScope): TradeJson[] {
    return this.open.list(scope);
  }

  /** Symbols with open trades, split by market (a feed prices SPOT and FUTURES from different streams). */
  watchedMarkets(): { spot: Set<string>; futures: Set<string> } {
    return this.open.watchedMarkets();
  }

  /** Price keys (shared/price-key.ts) of every open trade: what the staleness sweep watches. */
  watchedKeys(): Set<string> {
    return this.open.watchedKeys();
  }

  /** Whether a system trade holds this price key: the public may see its prices (privacy wall, per market). */
  hasPublicTrades(key: string): boolean {
    return this.open.hasPublicTrades(key);
  }

  /** Signals between receipt and commit (the public stream yields to them, see PublicStream). */
  get ingestsInFlight(): number {
    return this.ingesting;
  }

  get pendingCloses(): number {
    return this.closes.pending + this.legs.pending;
  }

  /** Unrealised P/L of an open trade at its last price (a managed trade's open remainder), or null. */
  unrealizedOf(id: number): (ProfitLoss & { price: number }) | null {
    const key = this.open.managed.keyOf(id);
    if (key === undefined) return this.book.unrealizedOf(id);
    const last = this.book.lastPrice(key);
    const u = last && this.open.managed.unrealizedOf(id, last.price);
    return u ? { ...u, price: last.price } : null;
  }

  /** Unrealised P/L of the open system trades under a price key: the book's, plus managed remainders. */
  unrealizedPnlOf(key: string): number {
    const pnl = this.book.unrealizedPnlOf(key);
    return this.open.managed.size === 0 ? pnl : pnl + this.open.managed.unrealizedPnlOf(key, this.book.lastPrice(key)?.price);
  }

  /** SPEC §9 open_realized_profit_loss: filled legs of open system trades. */
  openRealizedProfitLoss(): number {
    return this.open.managed.openRealized();
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
    let r: IngestResult;
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
      // A private bot's trade (SPEC §11) is owned by the private bots' account: the wall keeps it.
      this.open.addOwned({ trade: r.trade, userId: r.userId });
      if (parsed.value.expires_at) this.expiries.add(r.trade.id, parsed.value.expires_at.getTime());
      if (inScope(PUBLIC_SCOPE, r.userId)) this.publicState.opened(r.trade);
      this.events.opened(r.trade, r.userId);
    }
    return { ok: true, signal_id: r.signalId, trade_id: r.trade?.id ?? null, duplicate: r.duplicate };
  }

  /** A user's manual trade, already stored by the caller: enters the book like any other. */
  addUserTrade(t: OwnedTrade): void {
    this.open.addOwned(t);
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
    if (ref.tradeId !== null && this.open.pending.has(ref.tradeId)) {
      const side = this.open.side(ref.tradeId);
      await this.cancelPending(ref.tradeId, side && this.open.lastPriceOf(side));
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
    if (this.open.managed.has(id)) return this.closeManaged(id, status);
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
    if (this.open.pending.size > 0) this.decidePending(key, price, ts);
    const closed = this.book.tick(key, price, ts);
    if (this.open.managed.size === 0) return closed;
    let finals = 0;
    this.open.managed.tick(key, price, ts, (f) => {
      if (f.final) finals++;
      this.writeFills(f);
    });
    return closed < 0 ? closed : closed + finals;
  }

  /** A managed trade's fills to the database; a fill never precedes the trade's entry (a feed's clock may lag ours). */
  private writeFills(f: TradeFills): void {
    const side = this.open.side(f.id);
    const openedAt = this.open.managed.terms(f.id)?.openedAt ?? 0;
    for (const l of f.fills) if (l.time < openedAt) l.time = openedAt;
    void this.legs.write(f, side?.priceGap ?? false);
  }

  /** Manual close or expiry of a managed trade: its remainder as one leg, resolved once committed. */
  private closeManaged(id: number, status: 'CLOSED_MANUAL' | 'CLOSED_EXPIRED'): Promise<TradeJson> {
    const key = this.open.managed.keyOf(id) as string;
    const price = this.book.lastPrice(key)?.price ?? (this.open.managed.terms(id)?.entryPrice as number);
    const f = this.open.managed.close(id, status === 'CLOSED_MANUAL' ? 'MANUAL' : 'EXPIRED', price, this.now());
    if (!f) return Promise.reject(new ConflictError('trade is not open'));
    const done = this.legAnnouncer.whenClosed(id);
    this.writeFills(f);
    return done;
  }

  /**
   * Writes trailing stops' best prices that moved since the last call (the periodic sweep), so a
   * restart resumes each trailing stop from its best price so far; at most a sweep's worth is lost
   * to a crash. Resolves with how many were written.
   */
  async checkpointTrailing(): Promise<number> {
    const changes = this.open.managed.size === 0 ? [] : this.open.managed.trailingChanges();
    if (changes.length === 0) return 0;
    await this.store.saveTrailingBests(changes);
    this.open.managed.trailingSaved(changes);
    return changes.length;
  }

  /** Closes (open) or cancels (pending) every trade whose signal expired by `now`. */
  expireDue(now: number = this.now()): number {
    let n = 0;
    for (const id of this.expiries.due(now)) {
      if (this.open.pending.has(id)) {
        void this.cancelPending(id, undefined).catch((err: unknown) => this.announcer.closedElsewhere(id, err));
        n++;
      } else if (this.open.managed.isLive(id)) {
        void this.closeManaged(id, 'CLOSED_EXPIRED').catch((err: unknown) => this.announcer.closedElsewhere(id, err));
        n++;
      } else if (this.book.close(id, 'CLOSED_EXPIRED', now)) n++;
    }
    return n;
  }

  private decidePending(symbol: string, price: number, ts: number): void {
    for (const o of this.open.pending.tick(symbol, price)) {
      const t = o.entry.trade;
      if (o.kind === 'invalidated') {
        void this.writeCancel(t.id, price, ts).catch((err: unknown) => this.announcer.closedElsewhere(t.id, err));
        continue;
      }
      // Filled at the entry level, from this tick on; the activation is written in the background
      // (a close of a trade still PENDING in the database is accepted by the same guard).
      const at = new Date(Math.max(ts, Date.parse(t.entry_time)));
      const opened: OwnedTrade = { userId: o.entry.userId, trade: { ...t, status: 'OPEN', entry_time: at.toISOString(), updated_at: at.toISOString() } };
      this.open.addOwned(opened);
      this.events.opened(opened.trade, opened.userId);
      this.store.activateTrade(t.id, at).catch((err: unknown) => this.log.warn({ err: String(err), trade: t.id }, 'activation not written'));
    }
  }

  private cancelPending(id: number, price: number | undefined): Promise<TradeJson> {
    const entry = this.open.pending.remove(id);
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
    this.open.markGaps(keys);
  }

  /** For shutdown: wait until queued closes are written (or the deadline passes). */
  async flush(deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    const legs = await this.legs.drain(deadlineMs);
    return (await this.closes.drain(Math.max(0, until - Date.now()))) && legs;
  }

  static unavailable(): UnavailableError {
    return new UnavailableError('database unavailable');
  }
}
