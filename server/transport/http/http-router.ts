// A small router over uWS: exact and `:param` segments, JSON 404/405, one error mapper for throws.
// Its own error boundary: whatever a request carries (bad percent-encoding, a huge target, an odd
// method) and whatever a handler throws, that request gets an answer and nothing else is touched.
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { Exchange } from './http-io.ts';
import { INTERNAL_ERROR, toHttpError } from '../error-mapper.ts';
import { ValidationError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { IpRateLimit } from './ip-rate-limit.ts';
import { pathSegments } from './url-path.ts';

export type Handler = (ex: Exchange) => void | Promise<void>;

/** Longest request target (path + query) by default; HTTP_MAX_URL_BYTES sets it per app. */
export const DEFAULT_MAX_URL_BYTES = 8192;

export interface RouterLimits {
  /** Past this many bytes of path + query: 414, before the query is parsed or a route matched. */
  maxUrlBytes?: number;
  /** Origin for absolute links (PUBLIC_URL); undefined = relative links. */
  publicUrl?: string | undefined;
}

interface Route {
  method: string;
  /** As registered (`/api/signals/:id`): what the API description is checked against. */
  path: string;
  segments: string[];
  handler: Handler;
}

/** Route params, percent-decoded; malformed encoding is the client's error, not a crash. */
function match(route: Route, parts: string[]): Record<string, string> | null {
  if (route.segments.length !== parts.length) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) (params ??= {})[seg.slice(1)] = decodeParam(seg.slice(1), part);
    else if (seg !== part) return null;
  }
  return params ?? {};
}

function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: `malformed percent-encoding in ${name}`, field: name });
  }
}

export class HttpRouter {
  private routes: Route[] = [];
  private fallback: Handler | null = null;
  private limit: IpRateLimit | null = null;
  private readonly maxUrlBytes: number;
  private readonly linkOrigin: string;

  constructor(
    private log: Logger,
    limits: RouterLimits = {},
  ) {
    this.maxUrlBytes = limits.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
    this.linkOrigin = limits.publicUrl ?? '';
  }

  /** Per-IP budget for `/api/` requests (pages, health and metrics are not counted). */
  limitApi(limit: IpRateLimit): this {
    this.limit = limit;
    return this;
  }

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), path, segments: pathSegments(path), handler });
    return this;
  }

  /** Every route as registered, in order (tests check the API description against it). */
  registered(): Array<{ method: string; path: string }> {
    return this.routes.map((r) => ({ method: r.method, path: r.path }));
  }

  get(path: string, h: Handler): this {
    return this.on('GET', path, h);
  }
  post(path: string, h: Handler): this {
    return this.on('POST', path, h);
  }

  /** For GETs no route matched (the page's static files and client-side routes). */
  otherwise(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  mount(app: TemplatedApp): void {
    app.any('/*', (res: HttpResponse, req: HttpRequest) => this.accept(res, req));
  }

  private accept(res: HttpResponse, req: HttpRequest): void {
    let ex: Exchange;
    try {
      ex = new Exchange(res, req);
    } catch (err) {
      // Copying the request out of uWS failed: nothing to route on, but still an answer.
      this.log.error({ err }, 'unreadable request');
      res.cork(() =>
        res
          .writeStatus('400 Bad Request')
          .writeHeader('content-type', 'application/json; charset=utf-8')
          .end(JSON.stringify({ error: { code: 'VALIDATION_ERROR', message: 'unreadable request' } })),
      );
      return;
    }
    ex.linkOrigin = this.linkOrigin;
    try {
      this.dispatch(ex);
    } catch (err) {
      this.fail(ex, err);
    }
  }

  private dispatch(ex: Exchange): void {
    if (ex.targetBytes > this.maxUrlBytes) {
      ex.header('connection', 'close').error(414, { code: 'VALIDATION_ERROR', message: `path and query exceed ${this.maxUrlBytes} bytes`, field: 'url' });
      return;
    }
    if (this.limit && ex.path.startsWith('/api/') && !this.limit.take(ex.ip)) {
      ex.header('retry-after', '1').error(429, {
        code: 'RATE_LIMITED',
        message: `more than ${this.limit.perSecond} requests per second from ${ex.ip}; slow down`,
      });
      return;
    }
    const parts = pathSegments(ex.path);
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
        this.log.error({ path: loggedPath(ex.path), method: ex.method }, 'handler returned without a response');
        ex.error(INTERNAL_ERROR.status, INTERNAL_ERROR.error);
      };
      if (r instanceof Promise) {
        r.then(answered, (err: unknown) => this.fail(ex, err)).catch((err: unknown) =>
          this.log.error({ err, path: loggedPath(ex.path) }, 'request failed after its handler'),
        );
      } else answered();
    } catch (err) {
      this.fail(ex, err);
    }
  }

  private fail(ex: Exchange, err: unknown): void {
    const { status, error, expected } = toHttpError(err);
    if (!expected) this.log.error({ err, path: loggedPath(ex.path) }, 'request failed');
    try {
      ex.error(status, error);
    } catch (writeErr) {
      // The socket is gone or uWS refused the write: the request is lost, the process is not.
      this.log.warn({ err: writeErr, path: loggedPath(ex.path) }, 'could not answer a failed request');
    }
  }
}

/** A path as logged: a token in it (TradingView's webhook carries one, SPEC §14) never reaches the logs. */
export function loggedPath(path: string): string {
  return path.replace(/^(\/api\/webhooks\/[^/]+\/)[^/]+/, '$1[token]');
}
