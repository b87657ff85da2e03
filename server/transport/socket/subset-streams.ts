// Snapshot/delta streams over a subset of trades (SPEC §5's protocol: epoch, contiguous seq,
// opened/closed/updated/prices/summary, resync), each with its own statistics and room: one user's
// trades on /me (user-streams.ts), one bot's public trades on /public (bot-streams.ts).
// A stream exists while a socket holds it (acquire/release); it is loaded from the database once and
// then kept by the engine's events, which the subset routes (and so checks the wall where they land).
import { tradePriceKey } from '../../../shared/price-key.ts';
import type { DeltaJson, PriceJson, SnapshotJson, TradeJson } from '../../../shared/protocol-types.ts';
import { isClosedStatus } from '../../../shared/constants.ts';
import type { MetricTrade } from '../../../shared/metrics/index.ts';
import { roundMoney } from '../../../shared/trade-math.ts';
import type { EngineListener } from '../../engine/engine-events.ts';
import { PublicState, RECENT_CLOSED_LIMIT } from '../../engine/public-state.ts';
import { DeltaBatcher } from './delta-batcher.ts';

/** Which trades a kind of stream holds, and where its frames go. K names one stream (a user id, a bot). */
export interface Subset<K> {
  room(key: K): string;
  /** The stream an engine event belongs to, or null: the privacy wall for this kind of stream. */
  keyOf(trade: TradeJson, userId: number | null): K | null;
}

export interface SubsetStreamDeps<K> {
  /** Stored trades of the stream, for the initial statistics. */
  metricTrades(key: K): Promise<MetricTrade[]>;
  recentClosed(key: K, limit: number): Promise<TradeJson[]>;
  /** The stream's open trades in the engine, newest first. */
  openTrades(key: K): TradeJson[];
  lastPrice(symbol: string): { price: number; ts: number } | undefined;
  unrealizedOf(id: number): { profitLoss: number } | null;
  isStale(symbol: string): boolean;
  feeRate: number;
  emitToRoom(room: string, event: 'delta', payload: DeltaJson): void;
}

/** What a socket holds: the stream's snapshot (a first frame and every resync) and its room. */
export interface StreamHandle {
  snapshot(): SnapshotJson;
  room: string;
}

/** One stream's state: the same fold of events PublicState does for the public, over the subset. */
class SubsetStream<K> implements StreamHandle {
  readonly room: string;
  private readonly deltas: DeltaBatcher;
  private state: PublicState;
  /** Trade id → counted as open or closed (events may repeat what the initial load already saw). */
  private known = new Map<number, 'open' | 'closed'>();
  private openBySymbol = new Map<string, number>();
  /** Open trades' price keys (shared/price-key.ts) this stream prices (from the engine, not the load: they can differ by a moment). */
  private openIds = new Map<number, string>();

  constructor(
    readonly key: K,
    room: string,
    private deps: SubsetStreamDeps<K>,
    loaded: MetricTrade[],
    recent: TradeJson[],
    private symbolsChanged: (stream: SubsetStream<K>, symbol: string, watching: boolean) => void,
  ) {
    this.room = room;
    this.deltas = new DeltaBatcher(
      (d) => this.deps.emitToRoom(this.room, 'delta', d),
      () => this.state.summary(this.unrealized()),
    );
    this.state = PublicState.fromTrades(loaded, recent);
    for (const t of loaded) this.known.set(t.id, isClosedStatus(t.status) || t.status === 'CANCELLED' ? 'closed' : 'open');
    for (const t of deps.openTrades(key)) this.watch(t.id, tradePriceKey(t));
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
      summary: this.state.summary(this.unrealized()),
      open_positions: this.deps.openTrades(this.key),
      recent_closed: this.state.recentClosed(),
      prices,
    };
  }

  flushPrices(): void {
    this.deltas.flushPrices();
  }

  /** Σ unrealised P/L of the stream's open trades that have a price: O(its open trades), not the book's. */
  private unrealized(): number {
    let sum = 0;
    for (const [id, key] of this.openIds) {
      if (this.deps.lastPrice(key) === undefined) continue; // no price yet: no P/L to show
      sum += this.deps.unrealizedOf(id)?.profitLoss ?? 0;
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

interface Entry<K> {
  refs: number;
  ready: Promise<SubsetStream<K>>;
  stream: SubsetStream<K> | null;
  /** Events that arrived while the stream was loading, replayed (deduplicated) once it is built. */
  buffered: Array<(s: SubsetStream<K>) => void>;
}

/** Engine listener that routes each event to the stream its subset names, if one is open. */
export class SubsetStreams<K> implements EngineListener {
  private entries = new Map<K, Entry<K>>();
  private bySymbol = new Map<string, Set<SubsetStream<K>>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private subset: Subset<K>,
    private deps: SubsetStreamDeps<K>,
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

  /** Opens (or shares) the stream; pair every call with release(). */
  acquire(key: K): Promise<StreamHandle> {
    let e = this.entries.get(key);
    if (!e) {
      const state: Omit<Entry<K>, 'ready'> = { refs: 0, stream: null, buffered: [] };
      const entry: Entry<K> = Object.assign(state, { ready: this.load(key, state) });
      e = entry;
      this.entries.set(key, e);
      // A failed load is not kept: the socket that asked is told (its namespace logs it and disconnects).
      e.ready.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    e.refs += 1;
    return e.ready;
  }

  release(key: K): void {
    const e = this.entries.get(key);
    if (!e || --e.refs > 0) return;
    this.entries.delete(key);
    if (e.stream) for (const s of e.stream.symbols) this.bySymbol.get(s)?.delete(e.stream);
  }

  opened(trade: TradeJson, userId: number | null): void {
    this.route(trade, userId, (s) => s.opened(trade));
  }

  closed(trade: TradeJson, userId: number | null): void {
    this.route(trade, userId, (s) => s.closed(trade));
  }

  updated(trade: TradeJson, userId: number | null): void {
    this.route(trade, userId, (s) => s.updated(trade));
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

  private route(trade: TradeJson, userId: number | null, apply: (s: SubsetStream<K>) => void): void {
    if (this.entries.size === 0) return;
    const key = this.subset.keyOf(trade, userId);
    if (key === null) return;
    const e = this.entries.get(key);
    if (!e) return;
    if (e.stream) apply(e.stream);
    else e.buffered.push(apply);
  }

  private async load(key: K, entry: Omit<Entry<K>, 'ready'>): Promise<SubsetStream<K>> {
    const [loaded, recent] = await Promise.all([this.deps.metricTrades(key), this.deps.recentClosed(key, RECENT_CLOSED_LIMIT)]);
    const stream = new SubsetStream(key, this.subset.room(key), this.deps, loaded, recent, (s, symbol, watching) => {
      if (this.entries.get(key) !== entry) return;
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
