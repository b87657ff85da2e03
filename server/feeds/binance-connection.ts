// One Binance market-stream connection: keeps the server's subscription set equal to `desired`,
// rotates make-before-break (24 h, `serverShutdown`: the new socket is open and subscribed before
// the old one is closed), reconnects with a backoff that resets only after a healthy period,
// retries refused SUBSCRIBEs, and reports a socket whose streams have all gone silent as a fault.
import { refusalWaitMs } from './binance-connection-budget.ts';
import type { ConnectionEvents, ConnectionHealth, ConnectionSettings } from './binance-connection-settings.ts';
import type { BinanceFrame, ControlMessage } from './binance-messages.ts';
import { BinanceSocket } from './binance-socket.ts';
import { nextSubscriptionStep, recordRefusals, type Refusal } from './binance-subscription-plan.ts';
import { KeyedTimers } from './keyed-timers.ts';

type TimerName = 'reconnect' | 'pump' | 'lifetime' | 'stable' | 'idle' | 'silent' | 'rotate';
/** The timers of the active socket; a rotation or a close clears them. */
const SOCKET_TIMERS: TimerName[] = ['pump', 'lifetime', 'stable', 'idle', 'silent'];

export class BinanceConnection {
  readonly desired = new Set<string>();
  private active: BinanceSocket | null = null;
  /** The previous socket during a rotation: still streaming until `active` is subscribed. */
  private draining: BinanceSocket | null = null;
  private readonly refused = new Map<string, Refusal>();
  private fault: string | null = null;
  private stopped = true;
  private attempt = 0;
  private nextId = 1;
  private lastOpenAt = -Infinity;
  private pumpQueued = false;
  private readonly timers: KeyedTimers<TimerName>;

  constructor(
    private readonly s: ConnectionSettings,
    private readonly on: ConnectionEvents,
  ) {
    this.timers = new KeyedTimers(s.timers);
  }

  get size(): number {
    return this.desired.size;
  }

  start(): void {
    this.stopped = false;
    if (!this.active && !this.timers.has('reconnect')) this.connect();
  }

  add(stream: string): void {
    this.desired.add(stream);
    this.schedulePump();
  }

  remove(stream: string): void {
    this.desired.delete(stream);
    this.refused.delete(stream);
    this.schedulePump();
  }

  health(): ConnectionHealth {
    const open = Boolean(this.active?.isOpen || this.draining?.isOpen);
    return { fault: this.fault, refused: [...this.refused.keys()].filter((st) => this.desired.has(st)), open };
  }

  /** Closes every socket for good; no reconnect. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearAll();
    const socks = [this.active, this.draining].filter((x): x is BinanceSocket => x !== null);
    this.active = this.draining = null;
    await Promise.all(socks.map((x) => x.closeQuietly()));
  }

  private connect(): void {
    this.timers.clear('reconnect');
    if (this.stopped) return;
    const wait = this.s.budget.acquire();
    if (wait > 0) return this.timers.set('reconnect', () => this.connect(), wait);
    this.active = new BinanceSocket(
      { url: this.s.url, timers: this.s.timers, maxMessagesPerSecond: this.s.maxMessagesPerSecond, log: this.s.log },
      {
        opened: (sock) => this.onOpen(sock),
        frame: (sock, frame) => this.onFrame(sock, frame),
        closed: (sock, code) => this.onClose(sock, code),
        handshakeRefused: (_sock, status, retryAfter) => this.onRefusedHandshake(status, retryAfter),
        malformed: (reason) => this.on.malformed(reason),
      },
    );
  }

  private onOpen(sock: BinanceSocket): void {
    if (sock !== this.active) return;
    const now = this.s.timers.now();
    this.lastOpenAt = now;
    if (this.fault?.startsWith('handshake')) this.fault = null;
    this.timers.set('lifetime', () => this.rotate('connection lifetime'), this.s.maxLifetimeMs);
    this.timers.set('stable', () => this.checkStable(sock), this.s.stableAfterMs);
    if (this.s.idleTimeoutMs > 0) this.timers.set('idle', () => this.checkIdle(sock), this.s.idleTimeoutMs);
    if (this.s.silentFaultMs > 0) this.timers.set('silent', () => this.checkSilent(sock), this.s.silentFaultMs);
    this.s.log.debug({ url: this.s.url, streams: this.desired.size }, 'binance socket open');
    this.pump();
  }

  private onFrame(sock: BinanceSocket, frame: BinanceFrame): void {
    switch (frame.kind) {
      case 'tick':
        if (this.fault?.startsWith('silent')) this.fault = null;
        if (sock === this.active && this.s.timers.now() - sock.openedAt >= this.s.stableAfterMs) this.attempt = 0;
        return this.on.frame(frame);
      case 'reply':
        return this.onReply(sock, frame);
      case 'shutdown':
        return sock === this.active ? this.rotate('serverShutdown') : undefined;
      case 'malformed':
        return this.on.malformed(frame.reason);
    }
  }

  private onReply(sock: BinanceSocket, frame: BinanceFrame & { kind: 'reply' }): void {
    const req = typeof frame.id === 'number' ? sock.pending.get(frame.id) : undefined;
    if (!req) return;
    sock.pending.delete(req.id);
    if (!frame.error) {
      for (const p of req.params) {
        if (req.method === 'SUBSCRIBE') {
          sock.acked.add(p);
          this.refused.delete(p);
        } else sock.acked.delete(p);
      }
      if (req.method === 'SUBSCRIBE') sock.lastAckAt = this.s.timers.now();
      return this.finishRotation();
    }
    this.s.log.warn({ method: req.method, streams: req.params.length, error: frame.error }, 'binance refused a subscription request; retrying');
    if (req.method !== 'SUBSCRIBE') return;
    for (const p of req.params) sock.sent.delete(p);
    recordRefusals(this.refused, req.params, this.s.timers.now(), this.s.subscribeRetryMs, this.s.backoffMaxMs);
    this.pump();
  }

  private onClose(sock: BinanceSocket, code: number): void {
    if (sock === this.draining) {
      this.draining = null;
      return;
    }
    if (sock !== this.active) return;
    this.active = null;
    this.timers.clear(...SOCKET_TIMERS, 'rotate');
    if (this.stopped) return;
    const delay = this.backoff();
    this.s.log.info({ code, url: this.s.url, delayMs: Math.round(delay) }, 'binance socket closed; reconnecting');
    this.on.reconnecting(`closed ${code}`);
    this.timers.set('reconnect', () => this.connect(), delay);
  }

  private onRefusedHandshake(status: number, retryAfter: string | undefined): void {
    const now = this.s.timers.now();
    const wait = refusalWaitMs(status, retryAfter, now);
    if (wait > 0) this.s.budget.block(now + wait);
    this.fault = `handshake refused with HTTP ${status}; retrying in ${Math.ceil(wait / 1000)} s`;
    this.s.log.warn({ status, retryAfter, url: this.s.url }, 'binance refused the connection');
  }

  /** Planned replacement: open and subscribe a new socket; the old one streams until then. */
  private rotate(reason: string): void {
    if (this.stopped || this.draining || this.timers.has('rotate') || !this.active) return;
    const delay = Math.max(0, this.lastOpenAt + this.s.minRotationIntervalMs - this.s.timers.now());
    this.timers.set(
      'rotate',
      () => {
        if (this.stopped || !this.active) return;
        this.s.log.info({ reason, url: this.s.url }, 'binance socket rotating');
        this.on.reconnecting(reason);
        this.timers.clear(...SOCKET_TIMERS);
        this.draining = this.active;
        this.active = null;
        this.connect();
      },
      delay,
    );
  }

  /** The new socket has every wanted stream confirmed: the old one can go. */
  private finishRotation(): void {
    const sock = this.active;
    if (!this.draining || !sock?.isOpen) return;
    for (const st of this.desired) if (!sock.acked.has(st) && !this.refused.has(st)) return;
    const old = this.draining;
    this.draining = null;
    void old.closeQuietly();
  }

  private checkStable(sock: BinanceSocket): void {
    if (sock === this.active && (sock.acked.size === 0 || sock.lastTickAt > 0)) this.attempt = 0;
  }

  private checkIdle(sock: BinanceSocket): void {
    if (sock !== this.active) return;
    const quiet = this.s.timers.now() - sock.lastSeen;
    if (quiet < this.s.idleTimeoutMs) return this.timers.set('idle', () => this.checkIdle(sock), this.s.idleTimeoutMs - quiet);
    this.s.log.warn({ url: this.s.url, quietMs: quiet }, 'binance socket silent (no ping); reconnecting');
    sock.terminate();
  }

  /** Pings keep a dead stream "healthy" (futures' old path): silence of every stream is a fault. */
  private checkSilent(sock: BinanceSocket): void {
    if (sock !== this.active) return;
    const now = this.s.timers.now();
    const since = Math.max(sock.lastTickAt, sock.lastAckAt);
    const quiet = now - since;
    if (sock.acked.size === 0 || quiet < this.s.silentFaultMs) {
      return this.timers.set('silent', () => this.checkSilent(sock), Math.max(1, this.s.silentFaultMs - (sock.acked.size === 0 ? 0 : quiet)));
    }
    // No stream count in the reason: it would count users' symbols on a public surface.
    this.fault = `silent: every subscribed stream quiet for ${Math.round(quiet / 1000)} s`;
    this.s.log.warn({ url: this.s.url, quietMs: quiet, streams: sock.acked.size }, 'binance streams all silent; trying a fresh connection');
    sock.terminate();
  }

  /** Equal-jitter exponential backoff: half fixed, half random, capped. */
  private backoff(): number {
    const cap = Math.min(this.s.backoffMaxMs, this.s.backoffInitialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return cap / 2 + (cap / 2) * this.s.random();
  }

  /** Coalesces every change made in one synchronous run (one `watch()`) into one message. */
  private schedulePump(): void {
    if (!this.active?.isOpen || this.timers.has('pump') || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      if (!this.timers.has('pump')) this.pump();
    });
  }

  /** Sends subscription deltas to the active socket while its message budget allows. */
  private pump(): void {
    this.timers.clear('pump');
    const sock = this.active;
    while (sock?.isOpen) {
      const now = this.s.timers.now();
      const step = nextSubscriptionStep({
        desired: this.desired,
        sent: sock.sent,
        refused: this.refused,
        now,
        maxParamsPerMessage: this.s.maxParamsPerMessage,
      });
      if (step.kind === 'idle') {
        if (step.retryAt < Infinity) this.timers.set('pump', () => this.pump(), step.retryAt - now);
        return this.finishRotation();
      }
      const { method, params } = step;
      const msg: ControlMessage = { method, params, id: this.nextId };
      const wait = sock.trySend(msg);
      if (wait !== 0) return wait > 0 ? this.timers.set('pump', () => this.pump(), wait) : undefined;
      this.nextId++;
      for (const p of params) {
        if (method === 'SUBSCRIBE') sock.sent.add(p);
        else sock.sent.delete(p);
      }
      this.s.log.debug({ method, params: params.length, url: this.s.url }, 'binance subscription change');
    }
  }
}
