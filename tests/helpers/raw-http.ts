// Raw HTTP/1.1 over node:net, for requests fetch() refuses to send (bad percent-encoding, odd
// methods, control bytes, a chosen Host header, huge targets). One request per connection.
import net from 'node:net';

export interface RawResponse {
  /** null when the server closed the connection without a (complete) status line. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  raw: string;
  ms: number;
  /** With `silenceMs`: nothing came back in that time and the connection was still open (uWS holds
   * requests it cannot parse until its ~10 s idle timeout closes them). */
  held?: boolean;
}

/** Sends `head` (request line + headers, CRLFs included, without the final blank line) and reads to close. */
export function rawRequest(port: number, head: string | Buffer, opts: { timeoutMs?: number; silenceMs?: number } = {}): Promise<RawResponse> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let held = false;
    const silence = opts.silenceMs
      ? setTimeout(() => {
          if (chunks.length > 0) return;
          held = true;
          s.destroy();
        }, opts.silenceMs)
      : null;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms for ${JSON.stringify(String(head).slice(0, 120))}`));
    }, timeoutMs);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      // Stop once a whole answer is in (uWS may keep the connection open despite Connection: close).
      const parsed = parse(Buffer.concat(chunks).toString('latin1'));
      if (parsed.complete) s.destroy();
    });
    s.on('error', () => {}); // a reset is a closed connection, judged by the caller
    s.on('close', () => {
      clearTimeout(timer);
      if (silence) clearTimeout(silence);
      const raw = Buffer.concat(chunks).toString('latin1');
      const p = parse(raw);
      resolve({ status: p.status, headers: p.headers, body: p.body, raw, ms: performance.now() - t0, ...(held ? { held } : {}) });
    });
    s.write(Buffer.isBuffer(head) ? Buffer.concat([head, Buffer.from('\r\n')]) : `${head}\r\n`);
  });
}

/** `GET path` with Host and Connection: close. */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries({ host: '127.0.0.1', connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)];
  return rawRequest(port, lines.map((l) => `${l}\r\n`).join(''));
}

function parse(raw: string): { status: number | null; headers: Record<string, string>; body: string; complete: boolean } {
  const end = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  if (end < 0) return { status: null, headers, body: '', complete: false };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const body = raw.slice(end + 4);
  const len = headers['content-length'];
  const complete = len !== undefined ? Buffer.byteLength(body, 'latin1') >= Number(len) : false;
  return { status: m ? Number(m[1]) : null, headers, body, complete };
}
