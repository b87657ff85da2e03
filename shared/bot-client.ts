// Bot SDK: a typed client for the /bot namespace (SPEC §5). Runs in Node and browsers; signals
// carry an `external_id` from the first attempt, so retries after a timeout or disconnect are safe.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { SignalAck, SimpleAck } from './protocol-types.ts';
import type { SignalInput } from './signal-schema.ts';
import { NAMESPACES, type BotClientToServer, type BotServerToClient, type PriceTickInput } from './socket-events.ts';
import type { SignalUpdateInput } from './signal-update.ts';

export type BotSocket = Socket<BotServerToClient, BotClientToServer>;

export interface BotClientOptions {
  /** Server origin, e.g. `http://localhost:3000` (the `/bot` namespace is appended). */
  url: string;
  token: string;
  /** Ack timeout per attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Extra attempts after a timeout, disconnect or UNAVAILABLE ack (default 3). */
  retries?: number;
  /** Passed through to socket.io-client. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface SendOptions {
  timeoutMs?: number;
  retries?: number;
}

/** Every attempt failed to get an answer (timeouts, disconnects); `cause` is the last failure. */
export class BotClientError extends Error {
  constructor(
    message: string,
    readonly code: 'TIMEOUT' | 'NOT_CONNECTED' | 'CLOSED',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BotClientError';
  }
}

export class BotClient {
  readonly socket: BotSocket;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private closed = false;

  constructor(opts: BotClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.retries = opts.retries ?? 3;
    this.socket = io(opts.url.replace(/\/+$/, '') + NAMESPACES.bot, {
      transports: ['websocket'],
      autoConnect: false,
      ...opts.socketOptions,
      auth: { token: opts.token },
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected; rejects with the server's `connect_error` message (e.g. `unauthorized`). */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    this.closed = false;
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.socket.off('connect', onConnect);
        // Stop the manager's retry loop: the caller decides whether to try again.
        this.socket.disconnect();
        reject(new Error(err.message));
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  /**
   * Sends a signal and resolves with the server's ack (validation errors are acks, not throws).
   * Retries on timeout, disconnect and `UNAVAILABLE` with the same `external_id`.
   */
  async sendSignal(payload: SignalInput, opts: SendOptions = {}): Promise<SignalAck> {
    const signal: SignalInput = payload.external_id ? payload : { ...payload, external_id: newExternalId() };
    return this.withRetries(opts, async (timeoutMs) => {
      const ack = await this.socket.timeout(timeoutMs).emitWithAck('signal', signal);
      return { ack, retry: !ack.ok && ack.error.code === 'UNAVAILABLE' };
    });
  }

  /**
   * Sends a channel message (SPEC §9 text signals); a refusal acks with the failing `line`.
   * Retries like sendSignal, with the same `external_id` (one is made when none is given).
   */
  async sendTextSignal(text: string, externalId?: string, opts: SendOptions = {}): Promise<SignalAck> {
    const payload = { text, external_id: externalId ?? newExternalId() };
    return this.withRetries(opts, async (timeoutMs) => {
      const ack = await this.socket.timeout(timeoutMs).emitWithAck('signal:text', payload);
      return { ack, retry: !ack.ok && ack.error.code === 'UNAVAILABLE' };
    });
  }

  /**
   * Updates an open signal's unfilled part (SPEC §9: `sl`, `tp`, `tp_allocation`, `sl_mode`,
   * `trailing_stop`, null removes it). An `update_id` is generated when absent, so the retries of
   * one call are applied once.
   */
  updateSignal(
    ref: { signal_id: number } | { external_id: string },
    update: SignalUpdateInput & { update_id?: string },
    opts: SendOptions = {},
  ): Promise<SignalAck> {
    const payload = { ...update, ...ref, update_id: update.update_id ?? newExternalId() };
    return this.withRetries(opts, async (timeoutMs) => {
      const ack = await this.socket.timeout(timeoutMs).emitWithAck('signal:update', payload);
      return { ack, retry: !ack.ok && ack.error.code === 'UNAVAILABLE' };
    });
  }

  /** Cancels a signal by the server's id or the bot's own `external_id`. */
  cancel(ref: { signal_id: number } | { external_id: string }, opts: SendOptions = {}): Promise<SimpleAck> {
    return this.withRetries(opts, async (timeoutMs) => {
      const ack = await this.socket.timeout(timeoutMs).emitWithAck('signal:cancel', ref);
      return { ack, retry: !ack.ok && ack.error.code === 'UNAVAILABLE' };
    });
  }

  /** Pushes price ticks (PRICE_FEED=bot). Not retried: a late tick is worth less than a fresh one. */
  async pushPrices(ticks: PriceTickInput[], opts: { timeoutMs?: number } = {}): Promise<SimpleAck & { accepted?: number }> {
    this.assertOpen();
    return this.socket.timeout(opts.timeoutMs ?? this.timeoutMs).emitWithAck('prices', { ticks });
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  private async withRetries<A>(opts: SendOptions, attempt: (timeoutMs: number) => Promise<{ ack: A; retry: boolean }>): Promise<A> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const retries = opts.retries ?? this.retries;
    let lastError: unknown = null;
    for (let i = 0; i <= retries; i++) {
      this.assertOpen();
      if (i > 0) await delay(Math.min(2_000, 100 * 2 ** (i - 1)) * (0.5 + Math.random() / 2));
      if (!this.socket.connected) {
        // socket.io buffers emits while reconnecting; wait for the link rather than burn an attempt.
        const up = await this.waitConnected(timeoutMs);
        if (!up) {
          lastError = new BotClientError('not connected', 'NOT_CONNECTED');
          continue;
        }
      }
      const cut = this.onDisconnect();
      try {
        // A dropped link fails the attempt at once instead of waiting out the ack timeout.
        const { ack, retry } = await Promise.race([attempt(timeoutMs), cut.promise]);
        if (!retry || i === retries) return ack;
      } catch (err) {
        lastError = err;
      } finally {
        cut.cancel();
      }
    }
    throw new BotClientError(`no acknowledgement after ${retries + 1} attempts`, 'TIMEOUT', { cause: lastError });
  }

  private onDisconnect(): { promise: Promise<never>; cancel: () => void } {
    let listener = () => {};
    const promise = new Promise<never>((_, reject) => {
      listener = () => reject(new BotClientError('disconnected before the ack', 'NOT_CONNECTED'));
      this.socket.once('disconnect', listener);
    });
    // No catch needed: the caller races this promise in the same synchronous run (so a rejection is always observed),
    // and cancels the listener once the race settles, so it cannot reject later.
    return { promise, cancel: () => this.socket.off('disconnect', listener) };
  }

  private waitConnected(ms: number): Promise<boolean> {
    if (this.socket.connected) return Promise.resolve(true);
    if (!this.socket.active) this.socket.connect();
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        resolve(ok);
      };
      const onConnect = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.socket.on('connect', onConnect);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new BotClientError('client closed', 'CLOSED');
  }
}

/** A v4 UUID from Web Crypto (Node 20 and browsers; getRandomValues where randomUUID is missing). */
export function newExternalId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
