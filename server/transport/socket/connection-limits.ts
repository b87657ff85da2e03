// What one address or one connection may cost the Socket.IO server (issue 16, item 3): concurrent
// connections per IP, namespace CONNECT packets per connection, and CONNECT attempts per IP per
// second. A CONNECT is the expensive packet: Socket.IO builds a socket and runs the namespace's
// middlewares for each one, and /me's middleware looks the token up in PostgreSQL.
import type { Server, Socket } from 'socket.io';
import { IpRateLimit } from '../http/ip-rate-limit.ts';

export interface ConnectionLimitsConfig {
  /** Concurrent Engine.IO connections per client IP (0 = no limit). */
  maxSocketsPerIp: number;
  /** Namespace CONNECT packets one connection may send in its life; past it, it is closed. */
  maxConnectsPerSocket: number;
  /** Namespace CONNECT attempts per client IP per second (0 = no limit); past it, connect_error. */
  connectsPerIpPerSecond: number;
}

/** The part of an Engine.IO connection the limits look at (engine.io's Socket). */
interface EngineConn {
  remoteAddress: string;
  readyState: string;
  on(event: 'packet', fn: (p: { type: string; data?: unknown }) => void): void;
  once(event: 'close', fn: () => void): void;
  close(): void;
}

export const CONNECT_ERRORS = {
  tooManySockets: 'too many connections from this address',
  rateLimited: 'rate_limited',
} as const;

export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private readonly connectRate: IpRateLimit;

  constructor(readonly config: ConnectionLimitsConfig) {
    this.connectRate = new IpRateLimit(config.connectsPerIpPerSecond);
  }

  /** Engine.IO `allowRequest`: a new handshake from an address at its limit gets 403 with a reason. */
  allowRequest = (req: { connection?: { remoteAddress?: string } }, callback: (err: string | null | undefined, ok: boolean) => void): void => {
    const ip = req.connection?.remoteAddress ?? '';
    if (this.atSocketLimit(ip)) return callback(CONNECT_ERRORS.tooManySockets, false);
    callback(null, true);
  };

  /** Hooks every new connection and the namespaces' first middleware; call before any other `use`. */
  install(io: Server, namespaces: readonly string[]): void {
    io.engine.on('connection', (conn: EngineConn) => this.track(conn));
    for (const name of namespaces) io.of(name).use((socket, next) => this.admit(socket, next));
  }

  /** How many connections an address holds now. */
  socketsOf(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  private atSocketLimit(ip: string): boolean {
    return this.config.maxSocketsPerIp > 0 && this.socketsOf(ip) >= this.config.maxSocketsPerIp;
  }

  private track(conn: EngineConn): void {
    const ip = conn.remoteAddress ?? '';
    // allowRequest ran before this handshake was counted: two at once may both have passed it.
    if (this.atSocketLimit(ip)) {
      conn.close();
      return;
    }
    this.perIp.set(ip, this.socketsOf(ip) + 1);
    conn.once('close', () => {
      const n = this.socketsOf(ip) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    // Engine.IO emits `packet` before handing the message to Socket.IO's decoder: a CONNECT
    // ('0' is its Socket.IO packet type) past the limit closes the connection before its
    // middlewares run (admit() refuses anything that arrives on a closing connection).
    let connects = 0;
    conn.on('packet', (p) => {
      if (p.type !== 'message' || typeof p.data !== 'string' || p.data[0] !== '0') return;
      if (++connects > this.config.maxConnectsPerSocket && conn.readyState === 'open') {
        conn.close();
      }
    });
  }

  private admit(socket: Socket, next: (err?: Error) => void): void {
    if (socket.conn.readyState !== 'open') return next(new Error('connection closed'));
    if (!this.connectRate.take(socket.conn.remoteAddress ?? '')) {
      const err = new Error(CONNECT_ERRORS.rateLimited) as Error & { data?: unknown };
      err.data = { message: 'too many namespace connections from this address: retry in a second', retry_after_ms: 1000 };
      return next(err);
    }
    next();
  }
}
