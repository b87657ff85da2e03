// One WebSocket to a Binance market-stream endpoint: what this socket has been told (sent, acked,
// pending requests), pongs sent by hand through the message budget (not `ws`'s autoPong, which
// would ignore the limit), and a refused handshake (429/418) reported with its Retry-After.
import WebSocket from 'ws';
import type { Logger } from '../logger.ts';
import { MessageBudget } from './binance-message-budget.ts';
import { parseBinanceFrame, type BinanceFrame, type ControlMessage } from './binance-messages.ts';
import type { Timers } from './timers.ts';

export interface SocketHooks {
  opened(sock: BinanceSocket): void;
  frame(sock: BinanceSocket, frame: BinanceFrame): void;
  /** Not called after `closeQuietly()`. */
  closed(sock: BinanceSocket, code: number): void;
  handshakeRefused(sock: BinanceSocket, status: number, retryAfter: string | undefined): void;
  malformed(reason: string): void;
}

export interface SocketSettings {
  url: string;
  timers: Timers;
  maxMessagesPerSecond: number;
  log: Logger;
}

export class BinanceSocket {
  /** Streams this socket has been told to subscribe (optimistically, on send). */
  readonly sent = new Set<string>();
  /** Streams the server confirmed. */
  readonly acked = new Set<string>();
  /** Requests without a reply yet, by id. */
  readonly pending = new Map<number, ControlMessage>();
  openedAt = 0;
  lastSeen = 0;
  lastTickAt = 0;
  /** Last confirmed SUBSCRIBE: silence is measured from here or from the last tick. */
  lastAckAt = 0;
  isOpen = false;
  private readonly ws: WebSocket;
  private readonly budget: MessageBudget;
  private readonly pongs: Buffer[] = [];
  private pongTimer: unknown = null;
  private done = false;

  constructor(
    private readonly s: SocketSettings,
    private readonly hooks: SocketHooks,
  ) {
    this.budget = new MessageBudget(s.maxMessagesPerSecond);
    const ws = new WebSocket(s.url, { autoPong: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.isOpen = true;
      this.openedAt = this.lastSeen = s.timers.now();
      hooks.opened(this);
    });
    ws.on('message', (data, isBinary) => {
      this.lastSeen = s.timers.now();
      if (isBinary) return hooks.malformed('binary frame');
      const frame = parseBinanceFrame(rawText(data));
      if (frame.kind === 'tick') this.lastTickAt = this.lastSeen;
      hooks.frame(this, frame);
    });
    ws.on('ping', (data) => {
      this.lastSeen = s.timers.now();
      this.pongs.push(Buffer.from(data));
      this.flushPongs();
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      hooks.handshakeRefused(this, res.statusCode ?? 0, headerValue(res.headers['retry-after']));
      ws.terminate();
    });
    ws.on('error', (err) => s.log.debug({ err: err.message, url: s.url }, 'binance socket error'));
    ws.on('close', (code) => {
      this.isOpen = false;
      this.clearPongTimer();
      if (!this.done) hooks.closed(this, code);
      this.done = true;
    });
  }

  /** Sends `msg` if the budget allows now (returns 0), else returns the milliseconds to wait. */
  trySend(msg: ControlMessage): number {
    if (!this.isOpen) return -1;
    const now = this.s.timers.now();
    const wait = this.budget.waitMs('control', now);
    if (wait > 0) return wait;
    this.ws.send(JSON.stringify(msg));
    this.budget.record(now);
    this.pending.set(msg.id, msg);
    return 0;
  }

  /** Drops the socket at once (a silent or dead peer); the `closed` hook follows. */
  terminate(): void {
    this.ws.terminate();
  }

  /** Closes politely with no `closed` hook; terminates if the peer does not answer in 1 s. */
  closeQuietly(): Promise<void> {
    this.done = true;
    this.isOpen = false;
    this.clearPongTimer();
    const ws = this.ws;
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

  /** Pongs carry the ping's payload and go first, but never past the per-second limit. */
  private flushPongs(): void {
    this.clearPongTimer();
    while (this.pongs.length > 0 && this.ws.readyState === WebSocket.OPEN) {
      const now = this.s.timers.now();
      const wait = this.budget.waitMs('pong', now);
      if (wait > 0) {
        this.pongTimer = this.s.timers.setTimeout(() => this.flushPongs(), wait);
        return;
      }
      this.ws.pong(this.pongs.shift()!);
      this.budget.record(now);
    }
  }

  private clearPongTimer(): void {
    if (this.pongTimer !== null) this.s.timers.clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
