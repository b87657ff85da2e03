// Serves the built page (web/dist) from memory: gzip when accepted, immutable caching for hashed
// assets, the page itself for its client-side routes.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { Exchange } from './http-io.ts';
import { trimTrailingSlashes } from './url-path.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  immutable: boolean;
}

const BOT_PAGE = /^\/bots\/[^/]+\/?$/;
/** A trade's page (SPEC §13); its route adds the trade's Open Graph tags (trade-page.ts). */
export const TRADE_PAGE = /^\/trades\/\d{1,16}\/?$/;

/** Page routes served by index.html (SPEC §8). */
const PAGE_ROUTES = new Set(['/', '/bot-performance', '/bot-performance/']);

/**
 * The page's CSP. `connect-src` is its own origin plus configured ones, never any `ws:`/`wss:` host:
 * CSP3 `'self'` also matches the same host's ws/wss (Chromium, Firefox); PUBLIC_URL's ws/wss form
 * is listed too for browsers that kept CSP2's narrower `'self'` (older Safari).
 */
export function pageCsp(opts: { publicUrl?: string | undefined; connectSrc?: readonly string[] } = {}): string {
  const connect = ["'self'"];
  if (opts.publicUrl) connect.push(opts.publicUrl.replace(/^http/, 'ws'));
  for (const o of opts.connectSrc ?? []) if (!connect.includes(o)) connect.push(o);
  return ["default-src 'self'", `connect-src ${connect.join(' ')}`, "img-src 'self' data:", "style-src 'self' 'unsafe-inline'", "script-src 'self'"].join('; ');
}

export class StaticFiles {
  private files = new Map<string, StaticFile>();
  private readonly csp: string;

  constructor(
    private root: string,
    csp: Parameters<typeof pageCsp>[0] = {},
  ) {
    this.csp = pageCsp(csp);
    if (existsSync(root)) this.load(root);
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  /**
   * The file for the request's path. `page` rewrites an HTML page for this request (a trade's Open
   * Graph tags): then it is sent uncompressed, uncached and with `page.status`.
   */
  serve(ex: Exchange, page?: { status: number; rewrite: (html: string) => string }): void {
    const stored = this.resolve(ex.path);
    if (!stored) {
      ex.error(404, { code: 'NOT_FOUND', message: this.built ? `no such page: ${ex.path}` : 'the page is not built: run npm run build' });
      return;
    }
    const file = page && stored.type.startsWith('text/html') ? rewritten(stored, page.rewrite) : stored;
    if (!page && ex.headers['if-none-match'] === file.etag) {
      ex.send(304, '', file.type);
      return;
    }
    if (file.etag) ex.header('etag', file.etag);
    ex.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('vary', 'accept-encoding');
    if (file.type.startsWith('text/html')) {
      // /embed/ticker is made to sit in other sites' iframes; the dashboard is not.
      if (!ex.path.startsWith('/embed/')) ex.header('x-frame-options', 'SAMEORIGIN');
      ex.header('content-security-policy', this.csp);
    } else {
      ex.header('access-control-allow-origin', '*');
    }
    const acceptsGzip = (ex.headers['accept-encoding'] ?? '').includes('gzip');
    const status = page?.status ?? 200;
    if (file.gzip && acceptsGzip) {
      ex.header('content-encoding', 'gzip').send(status, ex.method === 'HEAD' ? '' : file.gzip, file.type);
    } else {
      ex.send(status, ex.method === 'HEAD' ? '' : file.body, file.type);
    }
  }

  private resolve(path: string): StaticFile | undefined {
    if (PAGE_ROUTES.has(path)) return this.files.get('/index.html');
    // A bot's page (/bots/NAME, SPEC §11) is the bots page, which reads the name from the path.
    if (BOT_PAGE.test(path)) return this.files.get('/bots.html');
    if (TRADE_PAGE.test(path)) return this.files.get('/trade.html');
    // Linear (url-path.ts): the regex this replaced was quadratic in the run of slashes.
    const clean = trimTrailingSlashes(path);
    return this.files.get(clean) ?? this.files.get(`${clean}.html`) ?? this.files.get(`${clean}/index.html`);
  }

  private load(dir: string): void {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        this.load(full);
        continue;
      }
      const url = '/' + relative(this.root, full).split('\\').join('/');
      const body = readFileSync(full);
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      const compressible = /text|javascript|json|svg/.test(type) && body.length > 512;
      this.files.set(url, {
        body,
        gzip: compressible ? gzipSync(body, { level: 9 }) : null,
        type,
        etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
        immutable: url.startsWith('/assets/'),
      });
    }
  }
}

/** A page rewritten for one request: no etag, no stored gzip, never cached by the browser as the file. */
function rewritten(file: StaticFile, rewrite: (html: string) => string): StaticFile {
  return { ...file, body: Buffer.from(rewrite(file.body.toString('utf8'))), gzip: null, etag: '', immutable: false };
}
