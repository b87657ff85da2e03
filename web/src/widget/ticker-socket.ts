// A minimal Socket.IO v4 client for the widget: one namespace, websocket only, text frames, receive
// only. socket.io-client (~12.6 KB gzipped, polling and WebTransport included) alone would push
// widget.js past its 25 KB budget; this speaks the same wire protocol in well under 1 KB.
// Engine.IO v4 frames: 0 open, 2 ping, 3 pong, 4 message. Socket.IO packets inside 4: 0 connect,
// 1 disconnect, 2 event, 4 connect_error; namespaced as `<type>/ns,<json>`.
import type { TickerJson } from '../../../shared/protocol-types.ts';
import { NAMESPACES, type PublicAuth } from '../../../shared/socket-events.ts';

export type TickerStatus = 'connecting' | 'live' | 'reconnecting';

export interface TickerHandlers {
  ticker(t: TickerJson): void;
  status(s: TickerStatus): void;
}

const NS: string = NAMESPACES.public;

const MAX_BACKOFF_MS = 10_000;

/** The websocket URL socket.io-client would use for `io(server + '/public', {transports: ['websocket']})`. */
export function engineUrl(server: string): string {
  const u = new URL('/socket.io/', server);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.search = '?EIO=4&transport=websocket';
  return u.href;
}

/** Parses `42/public,["ticker",{…}]` (optionally with an ack id) into [event, payload]. */
export function parseEvent(frame: string): [string, unknown] | null {
  let rest = frame.slice(2);
  if (rest.startsWith('/')) {
    const comma = rest.indexOf(',');
    if (comma < 0 || rest.slice(0, comma) !== NS) return null;
    rest = rest.slice(comma + 1);
  } else if (NS !== '/') return null;
  const json = rest.replace(/^\d+/, '');
  const arr = JSON.parse(json) as unknown;
  return Array.isArray(arr) && typeof arr[0] === 'string' ? [arr[0], arr[1]] : null;
}

/** Connects and keeps reconnecting (with backoff) until the returned function is called; `bot` narrows the figures to one bot. */
export function connectTicker(server: string, on: TickerHandlers, bot?: string): () => void {
  const AUTH: PublicAuth = bot ? { channels: ['ticker'], bot } : { channels: ['ticker'] };
  let ws: WebSocket | null = null;
  let closed = false;
  let everLive = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let deadTimer: ReturnType<typeof setTimeout> | undefined;

  const status = (s: TickerStatus) => on.status(s);

  const open = () => {
    if (closed) return;
    const sock = (ws = new WebSocket(engineUrl(server)));
    let heartbeatMs = 45_000;
    const alive = () => {
      clearTimeout(deadTimer);
      deadTimer = setTimeout(() => sock.close(), heartbeatMs);
    };
    sock.onmessage = (m: MessageEvent) => {
      const frame = String(m.data);
      alive();
      if (frame[0] === '0') {
        const hs = JSON.parse(frame.slice(1)) as { pingInterval?: number; pingTimeout?: number };
        heartbeatMs = (hs.pingInterval ?? 25_000) + (hs.pingTimeout ?? 20_000);
        alive();
        sock.send(`40${NS},${JSON.stringify(AUTH)}`);
      } else if (frame === '2') {
        sock.send('3');
      } else if (frame.startsWith('40')) {
        attempt = 0;
        everLive = true;
        status('live');
      } else if (frame.startsWith('42')) {
        const ev = parseEvent(frame);
        if (ev && ev[0] === 'ticker') on.ticker(ev[1] as TickerJson);
      } else if (frame.startsWith('41') || frame.startsWith('44') || frame === '1') {
        sock.close();
      }
    };
    sock.onclose = () => {
      clearTimeout(deadTimer);
      if (ws !== sock || closed) return;
      status(everLive ? 'reconnecting' : 'connecting');
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt++) * (0.5 + Math.random() / 2);
      retryTimer = setTimeout(open, delay);
    };
  };

  status('connecting');
  open();
  return () => {
    closed = true;
    clearTimeout(retryTimer);
    clearTimeout(deadTimer);
    ws?.close();
  };
}
