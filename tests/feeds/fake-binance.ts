// A loopback stand-in for Binance's market-stream endpoint: accepts `/stream`, answers
// SUBSCRIBE/UNSUBSCRIBE with `{"result":null,"id":N}`, records every control message with its
// arrival time, and pushes trade frames to the connections subscribed to their stream.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { combined } from './fixtures/binance-frames.ts';

export interface ControlRecord {
  conn: number;
  at: number;
  method: string;
  params: string[];
  id: unknown;
}

export interface FakeConn {
  index: number;
  ws: WebSocket;
  path: string;
  subscribed: Set<string>;
  closed: boolean;
}

export class FakeBinance {
  readonly conns: FakeConn[] = [];
  readonly controls: ControlRecord[] = [];
  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBinance> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const { port } = wss.address() as AddressInfo;
    const fake = new FakeBinance(wss, `ws://127.0.0.1:${port}`);
    wss.on('connection', (ws, req) => fake.accept(ws, req.url ?? ''));
    return fake;
  }

  private accept(ws: WebSocket, path: string): void {
    const conn: FakeConn = { index: this.conns.length, ws, path, subscribed: new Set(), closed: false };
    this.conns.push(conn);
    ws.on('close', () => (conn.closed = true));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { method: string; params: string[]; id: unknown };
      this.controls.push({ conn: conn.index, at: Date.now(), method: msg.method, params: msg.params, id: msg.id });
      for (const p of msg.params) {
        if (msg.method === 'SUBSCRIBE') conn.subscribed.add(p);
        if (msg.method === 'UNSUBSCRIBE') conn.subscribed.delete(p);
      }
      ws.send(JSON.stringify({ result: null, id: msg.id }));
    });
  }

  get open(): FakeConn[] {
    return this.conns.filter((c) => !c.closed);
  }

  /** Sends `data` on `stream` to every open connection subscribed to it; returns how many got it. */
  push(stream: string, data: unknown): number {
    let n = 0;
    for (const c of this.open) {
      if (c.subscribed.has(stream)) {
        c.ws.send(combined(stream, data));
        n++;
      }
    }
    return n;
  }

  sendRaw(conn: FakeConn, frame: string | Buffer, binary = false): void {
    conn.ws.send(frame, { binary });
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
