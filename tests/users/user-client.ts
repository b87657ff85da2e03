// Small HTTP and socket helpers for the user API tests: register/login, authorised JSON calls, /me sockets.
import { request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { AppOptions } from '../../server/app.ts';

/** Fast but valid scrypt cost and limits no test trips by accident. */
export const TEST_APP_OPTIONS: Pick<AppOptions, 'authLimits' | 'scrypt' | 'tokenRecheckMs'> = {
  scrypt: { N: 2 ** 14, r: 8, p: 1 },
  tokenRecheckMs: 500,
  authLimits: {
    loginsPerIpPerMinute: 100_000,
    failuresPerUsername: 100_000,
    registrationsPerIpPerHour: 100_000,
    failuresPerSource: 100_000,
    failuresPerIpPerHour: 100_000,
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
export interface Reply<T = any> {
  status: number;
  body: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
export async function call<T = any>(url: string, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * A JSON POST sent from `source`, a loopback address other than 127.0.0.1 (Linux routes all of
 * 127.0.0.0/8 to lo), so tests can be several clients as the server sees them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
export function postFrom<T = any>(url: string, source: string, path: string, body: unknown): Promise<Reply<T>> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: 'POST', localAddress: source, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function register(url: string, username: string, password = 'correct horse'): Promise<{ token: string; user_id: number }> {
  const r = await call(url, 'POST', '/api/auth/register', { body: { username, password } });
  if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function connectMe(url: string, token: unknown): Socket {
  return io(`${url}/me`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Resolves with the connect_error message, or 'connected'. */
export function handshake(socket: Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('handshake timeout')), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
    socket.once('connect_error', (e) => (clearTimeout(timer), resolve(e.message)));
  });
}
