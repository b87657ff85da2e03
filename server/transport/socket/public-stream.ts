// The public snapshot/delta stream (SPEC §5): one epoch per process, contiguous seq, prices
// coalesced per symbol and flushed every interval, opened/closed sent at once, in order.
// Deltas go out as ONE single-room emit (Socket.IO's uWS fast path: encoded once, published by uWS).
import type {
  SnapshotJson,
  SummaryJson,
  TickerJson,
  TradeJson,
} from '../../../shared/protocol-types.ts';
import type { EngineListener } from '../../engine/engine-events.ts';
import { DeltaBatcher } from './delta-batcher.ts';
import { inScope, PUBLIC_SCOPE } from '../../queries/trade-scope.ts';

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
}

/** Where frames go: a room-wide emit (fast path). */
export interface StreamSink {
  emitToRoom(room: string, event: 'delta' | 'ticker', payload: unknown): void;
}

export class PublicStream implements EngineListener {
  private readonly deltas: DeltaBatcher;
  private timers: NodeJS.Timeout[] = [];
  private lastTicker = '';
  private stopped = false;

  constructor(
    private state: PublicStateSource,
    private sink: StreamSink,
    private opts: { broadcastIntervalMs: number; tickerIntervalMs?: number },
  ) {
    this.deltas = new DeltaBatcher(
      (d) => this.sink.emitToRoom(STREAM_ROOM, 'delta', d),
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
    this.timers.push(setInterval(() => this.flushPrices(), this.opts.broadcastIntervalMs));
    this.timers.push(setInterval(() => this.emitTicker(), this.opts.tickerIntervalMs ?? 1000));
  }

  stop(): void {
    this.stopped = true;
    this.deltas.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
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
    if (!inScope(PUBLIC_SCOPE, userId)) return; // the wall: user trades never reach the public stream
    this.deltas.event({ type: 'opened', trade });
  }

  closed(trade: TradeJson, userId: number | null): void {
    if (!inScope(PUBLIC_SCOPE, userId)) return;
    this.deltas.event({ type: 'closed', trade });
  }

  price(symbol: string, price: number, ts: number): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    this.deltas.price(symbol, price, ts);
  }

  staleness(symbol: string, stale: boolean): void {
    if (this.state.isPublicSymbol && !this.state.isPublicSymbol(symbol)) return;
    if (stale) this.deltas.stale(symbol);
  }

  /** Emits pending coalesced prices, if any, as one delta. */
  flushPrices(): void {
    this.deltas.flushPrices();
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
