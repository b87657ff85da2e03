// The public snapshot/delta stream (SPEC §5): one epoch per process, contiguous seq, prices
// coalesced per symbol and flushed every interval, opened/closed sent at once, in order.
// Deltas go out as ONE single-room emit (Socket.IO's uWS fast path: encoded once, published by uWS).
// Each delta costs one socket write per viewer, so a price-only delta waits a full interval after
// the previous delta of any kind (event deltas already carry pending prices), and, while signals
// are being ingested, at least twice what the last fan-out took: price-only fan-outs then hold at
// most half the loop, the rest goes to commits, acks and opened deltas (SPEC: "at most every" interval).
import type { SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../../shared/protocol-types.ts';
import type { PublicServerToClient } from '../../../shared/socket-events.ts';
import type { StreamCandleJson } from '../../../shared/candles.ts';
import type { EngineListener } from '../../engine/engine-events.ts';
import { DeltaBatcher } from './delta-batcher.ts';
import { inScope, PUBLIC_SCOPE } from '../../privacy/trade-scope.ts';

export const STREAM_ROOM = 'stream';
export const TICKER_ROOM = 'ticker';

/** What the stream needs from the engine to build snapshots and ticker frames. */
export interface PublicStateSource {
  snapshotState(): Omit<SnapshotJson, 'epoch' | 'seq' | 'server_time'>;
  /** The summary alone: every event delta ends with one, and a snapshot lists every open trade. */
  summary(): SummaryJson;
  ticker(): TickerJson;
  /**
   * Whether a symbol's prices may be streamed: only symbols with open system trades. A feed that
   * subscribes per symbol (binance) would otherwise reveal that some user holds an unusual symbol.
   */
  isPublicSymbol?(symbol: string): boolean;
  /** Work price-only fan-outs should yield to: signals being ingested. */
  busy?(): boolean;
  /** Whether a system trade is in the all-bots record (SPEC §11: an unlisted bot's is not); all are without it. */
  inRecord?(trade: TradeJson): boolean;
}

/** The payload of each room-wide frame the stream emits, from the /public event map. */
export type StreamFrames = { [E in 'delta' | 'ticker' | 'candles']: Parameters<PublicServerToClient[E]>[0] };

/** Where frames go: a room-wide emit (fast path), typed by the /public event map. */
export interface StreamSink {
  emitToRoom<E extends keyof StreamFrames>(room: string, event: E, payload: StreamFrames[E]): void;
}

export class PublicStream implements EngineListener {
  private readonly deltas: DeltaBatcher;
  private timers: NodeJS.Timeout[] = [];
  private priceTimer: NodeJS.Timeout | null = null;
  private lastDeltaAt = -Infinity;
  private lastFanoutMs = 0;
  private measuring = false;
  private lastTicker = '';
  private started = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private state: PublicStateSource,
    private sink: StreamSink,
    private opts: { broadcastIntervalMs: number; tickerIntervalMs?: number; now?: () => number },
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.deltas = new DeltaBatcher(
      (d) => {
        const t = this.now();
        this.lastDeltaAt = t;
        this.sink.emitToRoom(STREAM_ROOM, 'delta', d);
        this.measureFanout(t);
      },
      () => this.state.summary(),
    );
  }

  get epoch(): string {
    return this.deltas.epoch;
  }

  get seq(): number {
    return this.deltas.seq;
  }

  start(): void {
    this.started = true;
    this.timers.push(setInterval(() => this.emitTicker(), this.opts.tickerIntervalMs ?? 1000));
    this.schedulePrices();
  }

  stop(): void {
    this.stopped = true;
    this.deltas.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.priceTimer) clearTimeout(this.priceTimer);
    this.priceTimer = null;
  }

  /** Sends queued events now, so `seq` is the head a snapshot taken in this turn has. */
  flushEvents(): void {
    this.deltas.flushEvents();
  }

  snapshot(): SnapshotJson {
    // Anything queued but not yet sent is folded in first so the snapshot's seq is exact.
    this.deltas.flushEvents();
    return { epoch: this.epoch, seq: this.deltas.seq, server_time: new Date().toISOString(), ...this.state.snapshotState() };
  }

  snapshotTicker(): TickerJson {
    return this.state.ticker();
  }

  opened(trade: TradeJson, userId: number | null): void {
    if (!this.carries(trade, userId)) return;
    this.deltas.event({ type: 'opened', trade });
  }

  closed(trade: TradeJson, userId: number | null): void {
    if (!this.carries(trade, userId)) return;
    this.deltas.event({ type: 'closed', trade });
  }

  updated(trade: TradeJson, userId: number | null): void {
    if (!this.carries(trade, userId)) return;
    this.deltas.event({ type: 'updated', trade });
  }

  /** Which bots the record counts changed: a new epoch, so every viewer takes a fresh snapshot. */
  restart(): void {
    if (!this.stopped) this.deltas.renew();
  }

  /** The wall (user trades never reach the public stream), then the record's bots. */
  private carries(trade: TradeJson, userId: number | null): boolean {
    return inScope(PUBLIC_SCOPE, userId) && (this.state.inRecord?.(trade) ?? true);
  }

  price(symbol: string, price: number, ts: number): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    this.deltas.price(symbol, price, ts);
    this.schedulePrices();
  }

  staleness(symbol: string, stale: boolean): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    if (!stale) return;
    this.deltas.stale(symbol);
    this.schedulePrices();
  }

  /** Closed 1m candles, of public price keys only (the same wall as `price`), as one frame. */
  candles(candles: readonly StreamCandleJson[]): void {
    if (this.stopped) return;
    const shown = this.state.isPublicSymbol ? candles.filter((c) => this.state.isPublicSymbol!(c.key)) : [...candles];
    if (shown.length > 0) this.sink.emitToRoom(STREAM_ROOM, 'candles', { candles: shown });
  }

  /** Emits pending coalesced prices, if any, as one delta. */
  flushPrices(): void {
    this.deltas.flushPrices();
  }

  /** What the last measured delta's fan-out took, ms (uWS writes to every viewer before setImmediate). */
  get fanoutMs(): number {
    return this.lastFanoutMs;
  }

  /**
   * uWS drains its publishes in its check-phase hook, which runs before Node's immediates: the
   * time from the emit to the next immediate covers the writes to every viewer (and any I/O work
   * of that turn, so it errs on the long side).
   */
  private measureFanout(t: number): void {
    if (this.measuring) return;
    this.measuring = true;
    setImmediate(() => {
      this.lastFanoutMs = this.now() - t;
      this.measuring = false;
    });
  }

  private priceGapMs(): number {
    return Math.max(this.opts.broadcastIntervalMs, this.state.busy?.() ? 2 * this.lastFanoutMs : 0);
  }

  /** One timer at a time, due a full gap after the last delta (at once after a quiet spell). */
  private schedulePrices(): void {
    if (!this.started || this.stopped || this.priceTimer || !this.deltas.hasPendingPrices) return;
    const wait = Math.max(0, this.lastDeltaAt + this.priceGapMs() - this.now());
    this.priceTimer = setTimeout(() => {
      this.priceTimer = null;
      // A delta sent meanwhile carried what was pending; anything newer waits its own gap.
      if (this.now() - this.lastDeltaAt < this.priceGapMs()) this.schedulePrices();
      else this.flushPrices();
    }, wait);
  }

  private emitTicker(): void {
    if (this.stopped) return;
    const t = this.state.ticker();
    const key = JSON.stringify(t);
    if (key === this.lastTicker) return;
    this.lastTicker = key;
    this.sink.emitToRoom(TICKER_ROOM, 'ticker', t);
  }
}
