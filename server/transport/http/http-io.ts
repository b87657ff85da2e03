// Low-level uWS HTTP plumbing: an abort-safe response wrapper and a size-capped body reader.
// uWS forbids touching `res` after onAborted, and `req` after the handler returns.
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { ApiError } from '../../../shared/protocol-types.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  304: '304 Not Modified',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  414: '414 URI Too Long',
  415: '415 Unsupported Media Type',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
];

/** What a handler gets: request data copied out of the uWS stack object, and an abort-safe reply. */
export class Exchange {
  aborted = false;
  done = false;
  readonly method: string;
  readonly path: string;
  /** Path + query as received, in bytes (the router caps it before any parsing). */
  readonly targetBytes: number;
  readonly headers: Record<string, string> = {};
  /** The peer's address as text (the direct client; a reverse proxy shows as itself). */
  readonly ip: string;
  params: Record<string, string> = {};
  /** Origin for absolute links (PUBLIC_URL), or '' for relative ones; never the Host header. */
  linkOrigin = '';
  private extraHeaders: Array<[string, string]> = [];
  private rawQuery: string;
  private parsedQuery: URLSearchParams | null = null;

  constructor(
    readonly res: HttpResponse,
    req: HttpRequest,
  ) {
    this.method = req.getMethod().toUpperCase();
    this.path = req.getUrl();
    this.rawQuery = req.getQuery() ?? '';
    this.targetBytes = Buffer.byteLength(this.path) + Buffer.byteLength(this.rawQuery);
    this.ip = Buffer.from(res.getRemoteAddressAsText()).toString();
    req.forEach((k, v) => {
      this.headers[k] = v;
    });
    res.onAborted(() => {
      this.aborted = true;
    });
  }

  /** Parsed on first use, so an over-long target is refused before any work is spent on it. */
  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }

  /** A link to `pathAndQuery` on this server: absolute under PUBLIC_URL, else relative. */
  linkTo(pathAndQuery: string): string {
    return `${this.linkOrigin}${pathAndQuery}`;
  }

  header(name: string, value: string): this {
    this.extraHeaders.push([name, value]);
    return this;
  }

  send(status: number, body: string | Buffer, contentType: string): void {
    if (this.aborted || this.done) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(STATUS_TEXT[status] ?? `${status} Status`);
      this.res.writeHeader('content-type', contentType);
      for (const [k, v] of SECURITY_HEADERS) this.res.writeHeader(k, v);
      for (const [k, v] of this.extraHeaders) this.res.writeHeader(k, v);
      this.res.end(body);
    });
  }

  json(status: number, value: unknown): void {
    this.send(status, JSON.stringify(value), 'application/json; charset=utf-8');
  }

  error(status: number, error: ApiError): void {
    this.json(status, { error });
  }

  /** Reads the body, rejecting with 413 past MAX_BODY_BYTES (declared or actual). */
  readBody(): Promise<Buffer | null> {
    const declared = Number(this.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      this.tooLarge();
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.res.onData((chunk, isLast) => {
        if (this.done) return;
        size += chunk.byteLength;
        if (size > MAX_BODY_BYTES) {
          this.tooLarge();
          resolve(null);
          return;
        }
        chunks.push(Buffer.from(chunk.slice(0))); // uWS reuses the chunk memory after this callback
        if (isLast) resolve(Buffer.concat(chunks));
      });
    });
  }

  private tooLarge(): void {
    this.header('connection', 'close');
    this.error(413, { code: 'PAYLOAD_TOO_LARGE', message: `body exceeds ${MAX_BODY_BYTES} bytes` });
  }
}
