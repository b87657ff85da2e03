// A loopback Binance market-stream server written from Binance's documentation (docs/binance.md
// lists the sources), not from what our client sends:
// - spot serves `/stream` and `/ws`; USDⓈ-M futures serves market data only under `/market/...`,
//   and its legacy `/stream` and `/ws` acknowledge SUBSCRIBE and then send nothing (since 2026-04-23);
// - it pings on its own schedule (spot 20 s, futures 3 min) and closes a socket that does not pong;
// - it counts every incoming message, pongs included, and closes with 1008 past the per-second limit
//   (spot 5, futures 10);
// - it answers the handshake with 429 + Retry-After past the per-IP connection budget (300 per 5 min),
//   and with 418 to a client that keeps coming while told to wait;
// - it answers unknown methods, bad ids and bad JSON with the documented `{"error":{code,msg},"id"}`,
//   and can refuse chosen subscriptions the same way;
// - `serverShutdown` is announced (raw or combined form) while the old socket keeps streaming.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { combined } from './fixtures/binance-frames.ts';

export type FakeMarket = 'spot' | 'futures';

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
  /** Whether this path streams data at all (false on futures' legacy paths). */
  live: boolean;
  combined: boolean;
  microseconds: boolean;
  subscribed: Set<string>;
  closed: boolean;
  closeCode: number | null;
  /** Arrival times of every incoming message: JSON, ping and pong frames. */
  incoming: number[];
  pongs: number;
}

export interface HandshakeRecord {
  at: number;
  path: string;
  status: 101 | 429 | 418;
}

export interface FakeOptions {
  market?: FakeMarket;
  /** Server ping period; defaults as documented: spot 20 s, futures 3 min. */
  pingIntervalMs?: number;
  /** Close a socket that has not ponged for this long: spot 1 min, futures 10 min. */
  pongTimeoutMs?: number;
  /** Incoming messages per second, pongs included: spot 5, futures 10. */
  maxIncomingPerSecond?: number;
  /** Handshakes per 5 minutes per IP before 429 (documented 300). */
  connectionsPer5Min?: number;
  /** Retry-After seconds sent with 429/418. */
  retryAfterSeconds?: number;
  /** Called for every accepted socket, e.g. to close it at once (a storm). */
  onOpen?: (conn: FakeConn, fake: FakeBinance) => void;
  /** Called for every control message received (after it was answered). */
  onControl?: (conn: FakeConn, rec: ControlRecord, fake: FakeBinance) => void;
  /** Send times in microseconds even without `timeUnit=MICROSECOND` (as some newer streams do). */
  forceMicroseconds?: boolean;
  /** The fake's clock for the per-IP budget and Retry-After (tests with a manual clock pass theirs). */
  now?: () => number;
}

const FIVE_MINUTES = 300_000;
const ID_OK = (id: unknown) =>
  id === null || (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^[A-Za-z0-9]{1,36}$/.test(id));

export class FakeBinance {
  readonly conns: FakeConn[] = [];
  readonly controls: ControlRecord[] = [];
  readonly handshakes: HandshakeRecord[] = [];
  /** Incoming-limit violations (each closed its socket with 1008). */
  violations = 0;
  private readonly refusals = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private bannedUntil = 0;
  private readonly o: Required<Omit<FakeOptions, 'onOpen' | 'onControl'>> & Pick<FakeOptions, 'onOpen' | 'onControl'>;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    opts: FakeOptions,
  ) {
    const futures = opts.market === 'futures';
    this.o = {
      market: opts.market ?? 'spot',
      pingIntervalMs: opts.pingIntervalMs ?? (futures ? 180_000 : 20_000),
      pongTimeoutMs: opts.pongTimeoutMs ?? (futures ? 600_000 : 60_000),
      maxIncomingPerSecond: opts.maxIncomingPerSecond ?? (futures ? 10 : 5),
      connectionsPer5Min: opts.connectionsPer5Min ?? 300,
      retryAfterSeconds: opts.retryAfterSeconds ?? 60,
      forceMicroseconds: opts.forceMicroseconds ?? false,
      now: opts.now ?? Date.now,
      onOpen: opts.onOpen,
      onControl: opts.onControl,
    };
  }

  static async start(opts: FakeOptions = {}): Promise<FakeBinance> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ noServer: true });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    const fake = new FakeBinance(http, wss, `ws://127.0.0.1:${port}`, opts);
    http.on('upgrade', (req, socket, head) => fake.upgrade(req, socket, head));
    return fake;
  }

  get open(): FakeConn[] {
    return this.conns.filter((c) => !c.closed);
  }

  /** The next `times` SUBSCRIBE requests naming `stream` are refused with a documented error. */
  refuse(stream: string, times: number): void {
    this.refusals.set(stream, times);
  }

  /** Sends `data` on `stream` to every open, live connection subscribed to it; returns how many got it. */
  push(stream: string, data: unknown): number {
    let n = 0;
    for (const c of this.open) {
      if (!c.live || !c.subscribed.has(stream)) continue;
      const payload = c.microseconds ? toMicroseconds(data) : data;
      c.ws.send(c.combined ? combined(stream, payload) : JSON.stringify(payload));
      n++;
    }
    return n;
  }

  sendRaw(conn: FakeConn, frame: string | Buffer, binary = false): void {
    conn.ws.send(frame, { binary });
  }

  /** Announces `serverShutdown`; the socket keeps streaming for `drainMs`, then is closed (1001). */
  shutdown(conn: FakeConn, drainMs: number): void {
    const event = { e: 'serverShutdown', E: Date.now() };
    conn.ws.send(JSON.stringify(conn.combined ? { stream: '!serverShutdown', data: event } : event));
    this.later(() => conn.ws.close(1001, 'server shutdown'), drainMs);
  }

  ping(conn: FakeConn, payload = String(Date.now())): void {
    if (!conn.closed) conn.ws.ping(Buffer.from(payload));
  }

  /** Most incoming messages (pongs included) this connection sent within any one second. */
  worstSecond(conn: FakeConn): number {
    let max = 0;
    const t = conn.incoming;
    for (let i = 0, j = 0; i < t.length; i++) {
      while (t[i]! - t[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const now = this.o.now();
    const path = req.url ?? '/';
    const recent = this.handshakes.filter((h) => now - h.at < FIVE_MINUTES).length;
    let status: HandshakeRecord['status'] = 101;
    // Coming back while told to wait is what Binance bans for (429 → 418).
    if (now < this.bannedUntil) status = 418;
    else if (recent >= this.o.connectionsPer5Min) status = 429;
    this.handshakes.push({ at: now, path, status });
    if (status !== 101) {
      this.bannedUntil = now + this.o.retryAfterSeconds * 1000;
      const text = status === 429 ? 'Too Many Requests' : "I'm a teapot";
      socket.end(`HTTP/1.1 ${status} ${text}\r\nRetry-After: ${this.o.retryAfterSeconds}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, path));
  }

  private accept(ws: WebSocket, rawPath: string): void {
    const u = new URL(rawPath, 'http://fake');
    const p = u.pathname.replace(/\/+$/, '');
    const futures = this.o.market === 'futures';
    const known = futures ? /^\/(market\/)?(stream|ws(\/.*)?)$/ : /^\/(stream|ws(\/.*)?)$/;
    if (!known.test(p)) return void ws.close(1008, 'unknown path');
    const conn: FakeConn = {
      index: this.conns.length,
      ws,
      path: p,
      live: !futures || p.startsWith('/market/'),
      combined: /\/stream$/.test(p),
      microseconds: this.o.forceMicroseconds || /^microsecond$/i.test(u.searchParams.get('timeUnit') ?? ''),
      subscribed: new Set((u.searchParams.get('streams') ?? '').split('/').filter(Boolean)),
      closed: false,
      closeCode: null,
      incoming: [],
      pongs: 0,
    };
    this.conns.push(conn);
    let lastPong = Date.now();
    const pinger = setInterval(() => {
      if (Date.now() - lastPong > this.o.pongTimeoutMs) return void ws.close(1008, 'pong timeout');
      this.ping(conn);
    }, this.o.pingIntervalMs);
    ws.on('close', (code) => {
      clearInterval(pinger);
      conn.closed = true;
      conn.closeCode = code;
    });
    ws.on('pong', () => {
      lastPong = Date.now();
      conn.pongs++;
      this.count(conn);
    });
    ws.on('ping', () => this.count(conn));
    ws.on('message', (raw) => {
      if (this.count(conn)) this.control(conn, String(raw));
    });
    this.o.onOpen?.(conn, this);
  }

  /** Records one incoming message; past the limit the socket is closed, as documented. */
  private count(conn: FakeConn): boolean {
    const now = Date.now();
    conn.incoming.push(now);
    const inWindow = conn.incoming.filter((t) => now - t < 1000).length;
    if (inWindow <= this.o.maxIncomingPerSecond || conn.closed) return !conn.closed;
    this.violations++;
    conn.ws.close(1008, 'too many messages');
    return false;
  }

  private control(conn: FakeConn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return void conn.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } }));
    }
    const id = msg.id;
    const reply = (body: object) => conn.ws.send(JSON.stringify({ ...body, id }));
    if (!ID_OK(id)) return void conn.ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' } }));
    const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : [];
    const rec = { conn: conn.index, at: Date.now(), method: String(msg.method), params, id };
    this.controls.push(rec);
    this.answer(conn, msg.method, params, reply);
    this.o.onControl?.(conn, rec, this);
  }

  private answer(conn: FakeConn, method: unknown, params: string[], reply: (body: object) => void): void {
    switch (method) {
      case 'SUBSCRIBE': {
        const refused = params.filter((p) => (this.refusals.get(p) ?? 0) > 0);
        if (refused.length > 0) {
          for (const p of refused) this.refusals.set(p, this.refusals.get(p)! - 1);
          return reply({ error: { code: 2, msg: 'Invalid request: too many parameters' } });
        }
        for (const p of params) conn.subscribed.add(p);
        return reply({ result: null });
      }
      case 'UNSUBSCRIBE':
        for (const p of params) conn.subscribed.delete(p);
        return reply({ result: null });
      case 'LIST_SUBSCRIPTIONS':
        return reply({ result: [...conn.subscribed] });
      default:
        return reply({
          error: {
            code: 2,
            msg: `Invalid request: unknown variant ${JSON.stringify(method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`,
          },
        });
    }
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** With `timeUnit=MICROSECOND`, every time field is in microseconds. */
function toMicroseconds(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const d = { ...(data as Record<string, unknown>) };
  for (const k of ['E', 'T']) if (typeof d[k] === 'number') d[k] = (d[k] as number) * 1000;
  return d;
}
