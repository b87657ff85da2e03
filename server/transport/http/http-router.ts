// A small router over uWS: exact and `:param` segments, JSON 404/405, one error mapper for throws.
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { Exchange } from './http-io.ts';
import { toHttpError } from '../error-mapper.ts';
import type { Logger } from '../../logger.ts';
import type { IpRateLimit } from './ip-rate-limit.ts';

export type Handler = (ex: Exchange) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function match(route: Route, parts: string[]): Record<string, string> | null {
  if (route.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(part);
    else if (seg !== part) return null;
  }
  return params;
}

export class HttpRouter {
  private routes: Route[] = [];
  private fallback: Handler | null = null;
  private limit: IpRateLimit | null = null;

  constructor(private log: Logger) {}

  /** Per-IP budget for `/api/` requests (pages, health and metrics are not counted). */
  limitApi(limit: IpRateLimit): this {
    this.limit = limit;
    return this;
  }

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(path), handler });
    return this;
  }

  get(path: string, h: Handler): this { return this.on('GET', path, h); }
  post(path: string, h: Handler): this { return this.on('POST', path, h); }

  /** For GETs no route matched (the page's static files and client-side routes). */
  otherwise(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  mount(app: TemplatedApp): void {
    app.any('/*', (res: HttpResponse, req: HttpRequest) => this.dispatch(new Exchange(res, req)));
  }

  private dispatch(ex: Exchange): void {
    if (this.limit && ex.path.startsWith('/api/') && !this.limit.take(ex.ip)) {
      ex.header('retry-after', '1').error(429, { code: 'RATE_LIMITED', message: `more than ${this.limit.perSecond} requests per second from ${ex.ip}; slow down` });
      return;
    }
    const parts = split(ex.path);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = match(route, parts);
      if (!params) continue;
      if (route.method !== ex.method && !(route.method === 'GET' && ex.method === 'HEAD')) {
        methodMismatch = true;
        continue;
      }
      ex.params = params;
      this.run(route.handler, ex);
      return;
    }
    if (ex.method === 'OPTIONS') {
      ex.header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send(204, '', 'text/plain');
      return;
    }
    if (methodMismatch) {
      ex.error(405, { code: 'METHOD_NOT_ALLOWED', message: `${ex.method} is not allowed on ${ex.path}` });
      return;
    }
    if (this.fallback && (ex.method === 'GET' || ex.method === 'HEAD') && !ex.path.startsWith('/api/')) {
      this.run(this.fallback, ex);
      return;
    }
    ex.error(404, { code: 'NOT_FOUND', message: `no route for ${ex.method} ${ex.path}` });
  }

  private run(handler: Handler, ex: Exchange): void {
    try {
      const r = handler(ex);
      // A handler that returns without answering must not leave the client hanging (and holding a socket).
      const answered = () => {
        if (ex.done || ex.aborted) return;
        this.log.error({ path: ex.path, method: ex.method }, 'handler returned without a response');
        ex.error(500, { code: 'UNAVAILABLE', message: 'internal error' });
      };
      if (r instanceof Promise) r.then(answered, (err: unknown) => this.fail(ex, err));
      else answered();
    } catch (err) {
      this.fail(ex, err);
    }
  }

  private fail(ex: Exchange, err: unknown): void {
    const { status, error, expected } = toHttpError(err);
    if (!expected) this.log.error({ err, path: ex.path }, 'request failed');
    ex.error(status, error);
  }
}
