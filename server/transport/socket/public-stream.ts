// The public snapshot/delta stream (SPEC §5): one epoch per process, contiguous seq, prices
// coalesced per symbol and flushed every interval, opened/closed sent at once, in order.
// Deltas go out as ONE single-room emit (Socket.IO's uWS fast path: encoded once, published by uWS).
import { randomUUID } from 'node:crypto';
import type {
  DeltaEvent,
  DeltaJson,
  SnapshotJson,
  TickerJson,
  TradeJson,
} from '../../../shared/protocol-types.ts';
import type { EngineListener } from '../../engine/engine-events.ts';
import { inScope, PUBLIC_SCOPE } from '../../queries/trade-scope.ts';

export const STREAM_ROOM = 'stream';
export const TICKER_ROOM = 'ticker';
const MAX_EVENTS_PER_DELTA = 500;

/** What the stream needs from the engine to build snapshots and ticker frames. */
export interface PublicStateSource {
  snapshotState(): Omit<SnapshotJson, 'epoch' | 'seq' | 'server_time'>;
  ticker(): TickerJson;
  /**
   * Whether a symbol's prices may be streamed: only symbols with open system trades. A feed that
   * subscribes per symbol (binance) would otherwise reveal that some user holds an unusual symbol.
   */
  isPublicSymbol?(symbol: string): boolean;
}

/** Where frames go: a room-wide emit (fast path). */
export interface StreamSink {
  emitToRoom(room: string, event: 'delta' | 'ticker', payload: unknown): void;
}

export class PublicStream implements EngineListener {
  readonly epoch = randomUUID();
  private seqNo = 0;
  private pendingPrices = new Map<string, [number, number]>();
  private pendingStale: string[] = [];
  private pendingEvents: DeltaEvent[] = [];
  private flushQueued = false;
  private timers: NodeJS.Timeout[] = [];
  private lastTicker = '';
  private stopped = false;

  constructor(
    private state: PublicStateSource,
    private sink: StreamSink,
    private opts: { broadcastIntervalMs: number; tickerIntervalMs?: number },
  ) {}

  get seq(): number {
    return this.seqNo;
  }

  start(): void {
    this.timers.push(setInterval(() => this.flushPrices(), this.opts.broadcastIntervalMs));
    this.timers.push(setInterval(() => this.emitTicker(), this.opts.tickerIntervalMs ?? 1000));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  snapshot(): SnapshotJson {
    // Anything queued but not yet sent is folded in first so the snapshot's seq is exact.
    this.flushEvents();
    return { epoch: this.epoch, seq: this.seqNo, server_time: new Date().toISOString(), ...this.state.snapshotState() };
  }

  snapshotTicker(): TickerJson {
    return this.state.ticker();
  }

  opened(trade: TradeJson, userId: number | null): void {
    if (!inScope(PUBLIC_SCOPE, userId)) return; // the wall: user trades never reach the public stream
    this.queueEvent({ type: 'opened', trade });
  }

  closed(trade: TradeJson, userId: number | null): void {
    if (!inScope(PUBLIC_SCOPE, userId)) return;
    this.queueEvent({ type: 'closed', trade });
  }

  price(symbol: string, price: number, ts: number): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    this.pendingPrices.set(symbol, [price, ts]);
  }

  staleness(symbol: string, stale: boolean): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    if (stale) this.pendingStale.push(symbol);
  }

  /** Emits pending coalesced prices, if any, as one delta. */
  flushPrices(): void {
    if (this.pendingEvents.length > 0) this.flushEvents();
    else if (this.pendingPrices.size > 0 || this.pendingStale.length > 0) this.emitDelta([]);
  }

  private queueEvent(e: DeltaEvent): void {
    this.pendingEvents.push(e);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Same job, same delta: a tick that closes 5,000 trades sends a handful of deltas, not 5,000.
    queueMicrotask(() => this.flushEvents());
  }

  private flushEvents(): void {
    this.flushQueued = false;
    if (this.pendingEvents.length === 0) return;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_DELTA) {
      const chunk = events.slice(i, i + MAX_EVENTS_PER_DELTA);
      const last = i + MAX_EVENTS_PER_DELTA >= events.length;
      if (last) chunk.push({ type: 'summary', summary: this.state.snapshotState().summary });
      this.emitDelta(chunk);
    }
  }

  private emitDelta(events: DeltaEvent[]): void {
    if (this.stopped) return;
    const out: DeltaEvent[] = [];
    if (this.pendingPrices.size > 0 || this.pendingStale.length > 0) {
      const prices: Record<string, [number, number]> = {};
      for (const [s, p] of this.pendingPrices) prices[s] = p;
      const ev: DeltaEvent = { type: 'prices', prices };
      if (this.pendingStale.length > 0) ev.stale = this.pendingStale;
      out.push(ev);
      this.pendingPrices.clear();
      this.pendingStale = [];
    }
    for (const e of events) out.push(e);
    this.seqNo += 1;
    const delta: DeltaJson = { epoch: this.epoch, seq: this.seqNo, events: out };
    this.sink.emitToRoom(STREAM_ROOM, 'delta', delta);
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
