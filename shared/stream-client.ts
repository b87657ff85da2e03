// Client side of the public stream (SPEC §5), framework-free: sequencing, resync, connection status
// and batched change notifications over `StreamState`. Used by the page, the tests and bots.
import type { Socket } from 'socket.io-client';
import type { DeltaJson, SnapshotJson, SummaryJson, TradeJson } from './protocol-types.ts';
import type { PublicClientToServer, PublicServerToClient } from './socket-events.ts';
import { emptyBatch, StreamState, type PriceState, type StreamBatch } from './stream-state.ts';

export { livePnl, totalUnrealized, RECENT_CLOSED_LIMIT } from './stream-state.ts';
export type { PriceState, PriceTick, StreamBatch } from './stream-state.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'resyncing';
export type PublicSocket = Socket<PublicServerToClient, PublicClientToServer>;
export type StreamListener = (batch: StreamBatch, client: StreamClient) => void;

export interface StreamClientOptions {
  /**
   * How a pending batch is delivered: the page passes `requestAnimationFrame` so many socket
   * messages cost one redraw. Default: synchronously after each message (tests, bots).
   */
  schedule?: (flush: () => void) => void;
}

/** Deltas kept while waiting for a snapshot; beyond this the oldest go (the snapshot covers them). */
const MAX_BUFFERED_DELTAS = 1000;
/** Ticks kept in one undelivered batch (a hidden tab gets no animation frames). */
const MAX_BATCH_TICKS = 5000;
/** Pause before reconnecting after the server closed the socket on purpose. */
export const SERVER_DISCONNECT_RETRY_MS = 2000;

export class StreamClient {
  private readonly st = new StreamState();
  private readonly listeners = new Set<StreamListener>();
  private readonly schedule: ((flush: () => void) => void) | undefined;
  private statusValue: ConnectionStatus = 'connecting';
  /** True between an applied snapshot and the next gap, epoch change or disconnect. */
  private synced = false;
  private everSynced = false;
  private buffered: DeltaJson[] = [];
  private pending: StreamBatch | null = null;
  private flushScheduled = false;
  private detach: Array<() => void> = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Resync requests sent (gaps and epoch changes). */
  resyncs = 0;
  /** Seq gaps seen within one epoch. */
  gaps = 0;

  constructor(
    private readonly socket: PublicSocket,
    opts: StreamClientOptions = {},
  ) {
    this.schedule = opts.schedule;
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }
  get epoch(): string | null {
    return this.st.epoch;
  }
  get seq(): number {
    return this.st.seq;
  }
  get summary(): SummaryJson | null {
    return this.st.summary;
  }
  get feeRate(): number {
    return this.st.feeRate;
  }
  get openPositions(): ReadonlyMap<number, TradeJson> {
    return this.st.open;
  }
  /** Newest first, at most 50. */
  get recentClosed(): readonly TradeJson[] {
    return this.st.recentClosed;
  }
  get prices(): ReadonlyMap<string, PriceState> {
    return this.st.prices;
  }

  /** Attaches the socket listeners and connects (the caller created it with `autoConnect: false`). */
  start(): void {
    if (this.detach.length > 0) return;
    const socket = this.socket;
    const snapshot = (s: SnapshotJson) => this.onSnapshot(s);
    const delta = (d: DeltaJson) => this.onDelta(d);
    const disconnect = (reason: string) => this.onDisconnect(reason);
    const connectError = (err: Error & { data?: { retry_after_ms?: unknown } }) => this.onConnectError(err);
    socket.on('snapshot', snapshot).on('delta', delta).on('disconnect', disconnect).on('connect_error', connectError);
    this.detach.push(() => socket.off('snapshot', snapshot).off('delta', delta).off('disconnect', disconnect).off('connect_error', connectError));
    socket.connect();
  }

  stop(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const off of this.detach) off();
    this.detach = [];
    this.socket.disconnect();
  }

  /** The listener gets one batch per scheduled flush; returns the unsubscribe function. */
  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Handlers are public so tests and replays can feed the protocol without a socket.
  onSnapshot(s: SnapshotJson): void {
    this.st.applySnapshot(s, this.batch());
    this.synced = true;
    this.everSynced = true;
    this.setStatus('live');
    // Deltas that raced ahead of the snapshot: older ones are dropped, contiguous ones applied.
    const queued = this.buffered.filter((d) => d.epoch === s.epoch);
    this.buffered = [];
    for (const d of queued) {
      if (!this.synced) break;
      this.applyInOrder(d);
    }
    this.requestFlush();
  }

  onDelta(d: DeltaJson): void {
    if (!this.synced) {
      this.buffered.push(d);
      if (this.buffered.length > MAX_BUFFERED_DELTAS) this.buffered.shift();
      return;
    }
    this.applyInOrder(d);
    this.requestFlush();
  }

  /**
   * A refusal by the server's middleware (`rate_limited`: too many CONNECTs from this address, e.g.
   * many viewers behind one NAT reconnecting after a restart) leaves socket.io-client inactive: it
   * does not retry by itself. Ask again after the server's `retry_after_ms`, spread by jitter so the
   * refused do not all return at once. A transport error keeps the client active: it retries itself.
   */
  onConnectError(err?: { data?: { retry_after_ms?: unknown } }): void {
    if (!this.socket.active && this.detach.length > 0) {
      const hint = err?.data?.retry_after_ms;
      const base = typeof hint === 'number' && hint > 0 && hint < 60_000 ? hint : SERVER_DISCONNECT_RETRY_MS;
      this.reconnectTimer ??= setTimeout(
        () => {
          this.reconnectTimer = undefined;
          if (this.detach.length > 0) this.socket.connect();
        },
        base * (1 + Math.random()),
      );
    }
    this.onDisconnect();
  }

  /** Until the fresh snapshot the server sends on (re)connect, deltas are only buffered. */
  onDisconnect(reason?: string): void {
    // Socket.IO does not reconnect by itself after a server-side disconnect (e.g. a slow consumer
    // being dropped); the page should come back, so ask again after a pause.
    if (reason === 'io server disconnect' && this.detach.length > 0) {
      this.reconnectTimer ??= setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.detach.length > 0) this.socket.connect();
      }, SERVER_DISCONNECT_RETRY_MS);
    }
    this.synced = false;
    this.buffered = [];
    this.setStatus(this.everSynced ? 'reconnecting' : 'connecting');
    this.requestFlush();
  }

  private applyInOrder(d: DeltaJson): void {
    if (d.epoch !== this.st.epoch) return this.requestResync();
    if (d.seq <= this.st.seq) return; // already covered by the snapshot or a duplicate
    if (d.seq !== this.st.seq + 1) {
      this.gaps++;
      return this.requestResync();
    }
    const batch = this.batch();
    for (const e of d.events) this.st.applyEvent(e, batch);
    this.st.seq = d.seq;
    if (batch.ticks.length > MAX_BATCH_TICKS) batch.ticks.splice(0, batch.ticks.length - MAX_BATCH_TICKS);
  }

  private requestResync(): void {
    this.synced = false;
    this.buffered = [];
    this.resyncs++;
    this.setStatus('resyncing');
    this.socket.emit('resync');
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.statusValue) return;
    this.statusValue = s;
    this.batch().status = true;
  }

  private batch(): StreamBatch {
    return (this.pending ??= emptyBatch());
  }

  private requestFlush(): void {
    if (!this.pending) return;
    if (!this.schedule) return this.flush();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = null;
    if (!batch) return;
    for (const l of this.listeners) l(batch, this);
  }
}
