// Per-user snapshot/delta streams for /me (SPEC §5): the public protocol (epoch, contiguous seq,
// opened/closed/prices/summary, resync) over one user's own trades, with that user's own statistics.
// A stream exists while its user has a socket connected; each emits to its user's room only.
import { tradePriceKey } from '../../../shared/price-key.ts';
import type { DeltaJson, PriceJson, SnapshotJson, TradeJson } from '../../../shared/protocol-types.ts';
import { isClosedStatus } from '../../../shared/constants.ts';
import type { MetricTrade } from '../../../shared/metrics/index.ts';
import { roundMoney } from '../../../shared/trade-math.ts';
import type { EngineListener } from '../../engine/engine-events.ts';
import { PublicState, RECENT_CLOSED_LIMIT } from '../../engine/public-state.ts';
import { inScope, userScope, type TradeScope } from '../../privacy/trade-scope.ts';
import { DeltaBatcher } from './delta-batcher.ts';

export interface UserStreamDeps {
  /** Stored trades of the scope, for the initial statistics and recent closes. */
  metricTrades(scope: TradeScope): Promise<MetricTrade[]>;
  recentClosed(scope: TradeScope, limit: number): Promise<TradeJson[]>;
  openTrades(scope: TradeScope): TradeJson[];
  lastPrice(symbol: string): { price: number; ts: number } | undefined;
  unrealizedOf(id: number): { profitLoss: number } | null;
  isStale(symbol: string): boolean;
  feeRate: number;
  emitToRoom(room: string, event: 'delta', payload: DeltaJson): void;
}

export const userRoom = (userId: number): string => `user:${userId}`;

/** One user's stream state: the same fold of events PublicState does for the public, over this user's trades. */
class UserStream {
  readonly room: string;
  private readonly deltas: DeltaBatcher;
  private state: PublicState;
  /** Trade id → counted as open or closed (events may repeat what the initial load already saw). */
  private known = new Map<number, 'open' | 'closed'>();
  private openBySymbol = new Map<string, number>();
  /** Open trades' price keys (shared/price-key.ts) this stream prices (from the engine, not the load: they can differ by a moment). */
  private openIds = new Map<number, string>();

  constructor(
    readonly scope: TradeScope & { kind: 'user' },
    private deps: UserStreamDeps,
    loaded: MetricTrade[],
    recent: TradeJson[],
    private symbolsChanged: (stream: UserStream, symbol: string, watching: boolean) => void,
  ) {
    this.room = userRoom(scope.userId);
    this.deltas = new DeltaBatcher(
      (d) => this.deps.emitToRoom(this.room, 'delta', d),
      () => this.state.summary(this.unrealized(this.deps.openTrades(this.scope))),
    );
    this.state = PublicState.fromTrades(loaded, recent);
    for (const t of loaded) this.known.set(t.id, isClosedStatus(t.status) || t.status === 'CANCELLED' ? 'closed' : 'open');
    for (const t of deps.openTrades(scope)) this.watch(t.id, tradePriceKey(t));
  }

  get symbols(): Iterable<string> {
    return this.openBySymbol.keys();
  }

  opened(trade: TradeJson): void {
    if (!this.known.has(trade.id)) {
      this.known.set(trade.id, 'open');
      this.state.opened();
    }
    this.watch(trade.id, tradePriceKey(trade));
    this.deltas.event({ type: 'opened', trade });
  }

  closed(trade: TradeJson): void {
    const was = this.known.get(trade.id);
    if (was === 'closed') return; // already in the loaded statistics and recent closes
    if (was === undefined) this.state.opened(); // opened and closed while the stream was loading
    this.unwatch(trade.id);
    this.known.set(trade.id, 'closed');
    if (trade.status === 'CANCELLED') this.state.cancelled();
    else this.state.closed(trade);
    this.deltas.event({ type: 'closed', trade });
  }

  updated(trade: TradeJson): void {
    if (this.known.get(trade.id) !== 'open') return;
    this.deltas.event({ type: 'updated', trade });
  }

  price(symbol: string, price: number, ts: number): void {
    this.deltas.price(symbol, price, ts);
  }

  stale(symbol: string): void {
    this.deltas.stale(symbol);
  }

  snapshot(): SnapshotJson {
    this.deltas.flushEvents();
    const open = this.deps.openTrades(this.scope);
    const prices: Record<string, PriceJson> = {};
    for (const symbol of this.openBySymbol.keys()) {
      const p = this.deps.lastPrice(symbol);
      if (p) prices[symbol] = this.deps.isStale(symbol) ? { ...p, stale: true } : { ...p };
    }
    return {
      epoch: this.deltas.epoch,
      seq: this.deltas.seq,
      server_time: new Date().toISOString(),
      fee_rate: this.deps.feeRate,
      summary: this.state.summary(this.unrealized(open)),
      open_positions: open,
      recent_closed: this.state.recentClosed(),
      prices,
    };
  }

  flushPrices(): void {
    this.deltas.flushPrices();
  }

  private unrealized(open: TradeJson[]): number {
    let sum = 0;
    for (const t of open) {
      if (this.deps.lastPrice(tradePriceKey(t)) === undefined) continue; // no price yet: no P/L to show
      sum += this.deps.unrealizedOf(t.id)?.profitLoss ?? 0;
    }
    return roundMoney(sum);
  }

  private watch(id: number, symbol: string): void {
    if (this.openIds.has(id)) return;
    this.openIds.set(id, symbol);
    const n = (this.openBySymbol.get(symbol) ?? 0) + 1;
    this.openBySymbol.set(symbol, n);
    if (n === 1) this.symbolsChanged(this, symbol, true);
  }

  private unwatch(id: number): void {
    const symbol = this.openIds.get(id);
    if (symbol === undefined) return;
    this.openIds.delete(id);
    const n = (this.openBySymbol.get(symbol) ?? 1) - 1;
    if (n > 0) this.openBySymbol.set(symbol, n);
    else {
      this.openBySymbol.delete(symbol);
      this.symbolsChanged(this, symbol, false);
    }
  }
}

interface Entry {
  refs: number;
  ready: Promise<UserStream>;
  stream: UserStream | null;
  /** Events that arrived while the stream was loading, replayed (deduplicated) once it is built. */
  buffered: Array<(s: UserStream) => void>;
}

/** Engine listener that routes each user's events to that user's stream, if one is open. */
export class UserStreams implements EngineListener {
  private entries = new Map<number, Entry>();
  private bySymbol = new Map<string, Set<UserStream>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private deps: UserStreamDeps,
    private opts: { broadcastIntervalMs: number },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      for (const e of this.entries.values()) e.stream?.flushPrices();
    }, this.opts.broadcastIntervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get active(): number {
    return this.entries.size;
  }

  /** Opens (or shares) the user's stream; pair every call with release(). */
  acquire(userId: number): Promise<{ snapshot(): SnapshotJson; room: string }> {
    let e = this.entries.get(userId);
    if (!e) {
      const state: Omit<Entry, 'ready'> = { refs: 0, stream: null, buffered: [] };
      const entry: Entry = Object.assign(state, { ready: this.load(userId, state) });
      e = entry;
      this.entries.set(userId, e);
      // A failed load is not kept: the socket that asked is told (me-namespace.ts logs it and disconnects).
      e.ready.catch(() => {
        if (this.entries.get(userId) === entry) this.entries.delete(userId);
      });
    }
    e.refs += 1;
    return e.ready;
  }

  release(userId: number): void {
    const e = this.entries.get(userId);
    if (!e || --e.refs > 0) return;
    this.entries.delete(userId);
    if (e.stream) for (const s of e.stream.symbols) this.bySymbol.get(s)?.delete(e.stream);
  }

  opened(trade: TradeJson, userId: number | null): void {
    this.route(userId, (s) => s.opened(trade));
  }

  closed(trade: TradeJson, userId: number | null): void {
    this.route(userId, (s) => s.closed(trade));
  }

  updated(trade: TradeJson, userId: number | null): void {
    this.route(userId, (s) => s.updated(trade));
  }

  price(symbol: string, price: number, ts: number): void {
    const streams = this.bySymbol.get(symbol);
    if (streams) for (const s of streams) s.price(symbol, price, ts);
  }

  staleness(symbol: string, stale: boolean): void {
    if (!stale) return;
    const streams = this.bySymbol.get(symbol);
    if (streams) for (const s of streams) s.stale(symbol);
  }

  private route(userId: number | null, apply: (s: UserStream) => void): void {
    if (userId === null) return;
    const e = this.entries.get(userId);
    if (!e) return;
    if (e.stream) {
      // The wall, checked again where the event lands.
      if (inScope(e.stream.scope, userId)) apply(e.stream);
    } else e.buffered.push(apply);
  }

  private async load(userId: number, entry: Omit<Entry, 'ready'>): Promise<UserStream> {
    const scope = userScope(userId) as TradeScope & { kind: 'user' };
    const [loaded, recent] = await Promise.all([this.deps.metricTrades(scope), this.deps.recentClosed(scope, RECENT_CLOSED_LIMIT)]);
    const stream = new UserStream(scope, this.deps, loaded, recent, (s, symbol, watching) => {
      if (this.entries.get(userId) !== entry) return;
      let set = this.bySymbol.get(symbol);
      if (watching) {
        if (!set) this.bySymbol.set(symbol, (set = new Set()));
        set.add(s);
      } else if (set) {
        set.delete(s);
        if (set.size === 0) this.bySymbol.delete(symbol);
      }
    });
    entry.stream = stream;
    for (const apply of entry.buffered.splice(0)) apply(stream);
    return stream;
  }
}
