// One Binance market-stream WebSocket: keeps the server's subscription set equal to `desired`
// with rate-limited SUBSCRIBE/UNSUBSCRIBE, answers pings, reconnects with jittered backoff,
// rotates before the 24 h limit and on `serverShutdown`, and re-subscribes after every reconnect.
import WebSocket from 'ws';
import type { Logger } from '../logger.ts';
import { parseBinanceFrame, type ControlMessage } from './binance-messages.ts';
import type { Timers } from './timers.ts';

export interface ConnectionSettings {
  /** Full endpoint, e.g. `wss://stream.binance.com:9443/stream`. */
  url: string;
  timers: Timers;
  random: () => number;
  /** Incoming-message budget Binance enforces per connection; pongs are counted too. */
  maxMessagesPerSecond: number;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message. */
  maxParamsPerMessage: number;
  /** Proactive rotation before Binance's 24 h disconnect. */
  maxLifetimeMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Reconnect when nothing (not even a ping) arrived for this long; 0 = off. */
  idleTimeoutMs: number;
  log: Logger;
}

export interface ConnectionEvents {
  tick(symbol: string, price: number, ts: number): void;
  malformed(reason: string): void;
  reconnecting(reason: string): void;
}

/** Slack added to the 1 s window, so network jitter cannot bunch messages past the limit. */
const WINDOW_MS = 1_050;

export class BinanceConnection {
  readonly desired = new Set<string>();
  /** What the server has been told (optimistically, on send). Cleared on every new socket. */
  private readonly sent = new Set<string>();
  private ws: WebSocket | null = null;
  private open = false;
  private stopped = false;
  private attempt = 0;
  private nextId = 1;
  private lastSeen = 0;
  /** Times of recent outgoing messages (control messages and auto-pongs). */
  private recent: number[] = [];
  private pumpTimer: unknown = null;
  private pumpQueued = false;
  private reconnectTimer: unknown = null;
  private lifetimeTimer: unknown = null;
  private idleTimer: unknown = null;

  constructor(
    private readonly s: ConnectionSettings,
    private readonly on: ConnectionEvents,
  ) {}

  get size(): number {
    return this.desired.size;
  }

  start(): void {
    this.stopped = false;
    if (!this.ws && !this.reconnectTimer) this.connect();
  }

  add(stream: string): void {
    this.desired.add(stream);
    this.schedulePump();
  }

  remove(stream: string): void {
    this.desired.delete(stream);
    this.schedulePump();
  }

  /** Closes the socket for good; no reconnect. Resolves once closed (or after 1 s). */
  stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    this.open = false;
    if (!ws) return Promise.resolve();
    return closeQuietly(ws);
  }

  private connect(): void {
    this.reconnectTimer = null;
    const ws = new WebSocket(this.s.url, { autoPong: true, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    // `ws` answers with a pong carrying the ping's payload (autoPong); it counts against the budget.
    ws.on('ping', () => {
      this.lastSeen = this.s.timers.now();
      this.recent.push(this.lastSeen);
    });
    ws.on('error', (err) => this.s.log.debug({ err: err.message, url: this.s.url }, 'binance socket error'));
    ws.on('close', (code) => this.onClose(ws, code));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.open = true;
    this.attempt = 0;
    this.sent.clear();
    this.recent = [];
    this.lastSeen = this.s.timers.now();
    this.lifetimeTimer = this.s.timers.setTimeout(() => this.rotate('connection lifetime'), this.s.maxLifetimeMs);
    this.armIdle(this.s.idleTimeoutMs);
    this.s.log.debug({ url: this.s.url, streams: this.desired.size }, 'binance socket open');
    this.pump();
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    this.lastSeen = this.s.timers.now();
    if (isBinary) return this.on.malformed('binary frame');
    const frame = parseBinanceFrame(rawText(data));
    switch (frame.kind) {
      case 'tick':
        return this.on.tick(frame.symbol, frame.price, frame.ts);
      case 'reply':
        if (frame.error) this.s.log.warn({ id: frame.id, error: frame.error }, 'binance rejected a subscription request');
        return;
      case 'shutdown':
        return this.rotate('serverShutdown');
      case 'malformed':
        return this.on.malformed(frame.reason);
    }
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.open = false;
    this.clearTimers();
    if (this.stopped) return;
    const delay = this.backoff();
    this.s.log.info({ code, url: this.s.url, delayMs: Math.round(delay) }, 'binance socket closed; reconnecting');
    this.on.reconnecting(`closed ${code}`);
    this.reconnectTimer = this.s.timers.setTimeout(() => this.connect(), delay);
  }

  /** Planned replacement (lifetime, serverShutdown): drop the old socket and open a new one now. */
  private rotate(reason: string): void {
    const old = this.ws;
    this.clearTimers();
    this.ws = null;
    this.open = false;
    if (old) void closeQuietly(old);
    if (this.stopped) return;
    this.s.log.info({ reason, url: this.s.url }, 'binance socket rotating');
    this.on.reconnecting(reason);
    this.connect();
  }

  /** Equal-jitter exponential backoff: half fixed, half random, capped. */
  private backoff(): number {
    const cap = Math.min(this.s.backoffMaxMs, this.s.backoffInitialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return cap / 2 + (cap / 2) * this.s.random();
  }

  private armIdle(ms: number): void {
    if (this.s.idleTimeoutMs <= 0) return;
    this.idleTimer = this.s.timers.setTimeout(() => {
      const quiet = this.s.timers.now() - this.lastSeen;
      if (quiet < this.s.idleTimeoutMs) return this.armIdle(this.s.idleTimeoutMs - quiet);
      this.s.log.warn({ url: this.s.url, quietMs: quiet }, 'binance socket silent; reconnecting');
      this.ws?.terminate();
    }, ms);
  }

  /** Coalesces every change made in one synchronous run (one `watch()`) into one message. */
  private schedulePump(): void {
    if (!this.open || this.pumpTimer !== null || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      if (this.pumpTimer === null) this.pump();
    });
  }

  /** Sends subscription deltas while the message budget allows, then waits for the budget. */
  private pump(): void {
    this.pumpTimer = null;
    const ws = this.ws;
    while (ws && this.open) {
      const unsub = [...this.sent].filter((st) => !this.desired.has(st));
      const sub = unsub.length > 0 ? [] : [...this.desired].filter((st) => !this.sent.has(st));
      if (unsub.length === 0 && sub.length === 0) return;
      const now = this.s.timers.now();
      this.recent = this.recent.filter((t) => now - t < WINDOW_MS);
      if (this.recent.length >= this.s.maxMessagesPerSecond) {
        const wait = WINDOW_MS - (now - this.recent[0]!);
        this.pumpTimer = this.s.timers.setTimeout(() => this.pump(), Math.max(1, wait));
        return;
      }
      // Unsubscribe first: it frees server-side capacity before new streams are added.
      const method = unsub.length > 0 ? 'UNSUBSCRIBE' : 'SUBSCRIBE';
      const params = (unsub.length > 0 ? unsub : sub).slice(0, this.s.maxParamsPerMessage);
      const msg: ControlMessage = { method, params, id: this.nextId++ };
      ws.send(JSON.stringify(msg));
      this.recent.push(now);
      for (const p of params) {
        if (method === 'SUBSCRIBE') this.sent.add(p);
        else this.sent.delete(p);
      }
      this.s.log.debug({ method, params: params.length, url: this.s.url }, 'binance subscription change');
    }
  }

  private clearTimers(): void {
    for (const t of [this.pumpTimer, this.reconnectTimer, this.lifetimeTimer, this.idleTimer]) {
      if (t !== null) this.s.timers.clearTimeout(t);
    }
    this.pumpTimer = this.reconnectTimer = this.lifetimeTimer = this.idleTimer = null;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Detaches every listener, closes politely, and terminates if the peer does not answer in 1 s. */
function closeQuietly(ws: WebSocket): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', () => {});
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1_000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000);
  });
}
