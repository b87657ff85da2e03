// Real socket.io-client connections to a test server, and small waiting helpers.
import { io, type Socket } from 'socket.io-client';
import type { DeltaJson, SnapshotJson, TickerJson } from '../../shared/protocol-types.ts';

export function connectBot(url: string, token: string | undefined): Socket {
  return io(`${url}/bot`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

export function connectPublic(url: string, auth: Record<string, unknown> = {}): Socket {
  return io(`${url}/public`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

export function once<T = unknown>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    socket.once(event, (v: T) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

export function connected(socket: Socket, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (e) => (clearTimeout(timer), reject(e)));
  });
}

/** Records every snapshot, delta and ticker a public socket receives, in order. */
export class Recorder {
  snapshots: SnapshotJson[] = [];
  deltas: DeltaJson[] = [];
  tickers: TickerJson[] = [];
  /** Every frame as text, for leak checks. */
  raw: string[] = [];

  constructor(readonly socket: Socket) {
    socket.on('snapshot', (s: SnapshotJson) => (this.snapshots.push(s), this.raw.push(JSON.stringify(s))));
    socket.on('delta', (d: DeltaJson) => (this.deltas.push(d), this.raw.push(JSON.stringify(d))));
    socket.on('ticker', (t: TickerJson) => (this.tickers.push(t), this.raw.push(JSON.stringify(t))));
  }

  /** Waits until `pred` holds, polling every 10 ms. */
  async until(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  events() {
    return this.deltas.flatMap((d) => d.events);
  }
}

export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
