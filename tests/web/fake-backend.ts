// A stand-in for the Paperbook server in browser tests: serves web/dist with the production URL
// mapping (web/README.md) and a real Socket.IO /public namespace whose frames the test scripts.
import { createServer, type Server as HttpServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { DeltaJson, SnapshotJson, TickerJson } from '../../shared/protocol-types.ts';
import { computeRiskMetrics, type MetricTrade } from '../../shared/metrics/index.ts';
import { closedInExitOrder } from '../../shared/metrics/metric-trade.ts';
import type { CandleJson, StreamCandleJson } from '../../shared/candles.ts';
import { DIST } from './browser.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** URL path → file in web/dist, as the real server maps it. */
export function distFileFor(path: string): string | null {
  if (path === '/' || path === '/bot-performance' || path === '/bot-performance/') return 'index.html';
  if (path === '/embed/ticker' || path === '/embed/ticker/') return 'embed/ticker.html';
  if (path === '/widget.js') return 'widget.js';
  if (path.startsWith('/assets/')) return normalize(path.slice(1)).startsWith('assets/') ? normalize(path.slice(1)) : null;
  return null;
}

export interface FakeBackend {
  url: string;
  /** Snapshot sent on connect and on `resync`; null = never answer (the "connecting" state). */
  snapshot: SnapshotJson | null;
  ticker: TickerJson | null;
  equityCurve: Array<{ time: number; value: number }>;
  /** When false, `resync` is counted but not answered (the test sends the snapshot itself). */
  answerResync: boolean;
  resyncRequests: number;
  performanceRequests: number;
  /** How many `performance/` requests to answer 503 + Retry-After: 1 first (the server's busy answer). */
  performanceBusy: number;
  /** Closed trades the SPEC §12 fields of `performance/` are computed from, in the `tz` asked. */
  riskTrades: MetricTrade[];
  /** The `tz` of each `performance/` request (null: none given). */
  performanceTimeZones: (string | null)[];
  /** 1m candles GET /api/public/candles/ answers, by price key (`BTCUSDT`, `BTCUSDT.P`); none = `[]`. */
  candles: Map<string, CandleJson[]>;
  candleRequests: string[];
  streamSockets(): Socket[];
  emitDelta(d: DeltaJson): void;
  /** The server's `candles` event: closed 1m candles. */
  emitCandles(candles: StreamCandleJson[]): void;
  emitTicker(t: TickerJson): void;
  /** Extra static routes (e.g. a third-party host page). */
  pages: Map<string, string>;
  stop(): Promise<void>;
}

export async function startFakeBackend(): Promise<FakeBackend> {
  const http: HttpServer = createServer();
  const io = new Server(http, { cors: { origin: '*' } });
  const streams = new Set<Socket>();
  const tickers = new Set<Socket>();

  const backend: FakeBackend = {
    url: '',
    snapshot: null,
    ticker: null,
    equityCurve: [],
    answerResync: true,
    resyncRequests: 0,
    performanceRequests: 0,
    performanceBusy: 0,
    riskTrades: [],
    performanceTimeZones: [],
    pages: new Map(),
    candles: new Map(),
    candleRequests: [],
    streamSockets: () => [...streams],
    emitDelta: (d) => streams.forEach((s) => s.emit('delta', d)),
    emitCandles: (candles) => streams.forEach((s) => s.emit('candles', { candles })),
    emitTicker: (t) => {
      backend.ticker = t;
      tickers.forEach((s) => s.emit('ticker', t));
    },
    stop: async () => {
      await io.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };

  io.of('/public').on('connection', (socket) => {
    const channels = (socket.handshake.auth as { channels?: unknown }).channels;
    if (Array.isArray(channels) && channels.includes('ticker')) {
      tickers.add(socket);
      socket.on('disconnect', () => tickers.delete(socket));
      if (backend.ticker) socket.emit('ticker', backend.ticker);
      return;
    }
    streams.add(socket);
    socket.on('disconnect', () => streams.delete(socket));
    if (backend.snapshot) socket.emit('snapshot', backend.snapshot);
    socket.on('resync', () => {
      backend.resyncRequests++;
      if (backend.answerResync && backend.snapshot) socket.emit('snapshot', backend.snapshot);
    });
  });

  http.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/socket.io/')) return; // Socket.IO's own listener answers
    if (path === '/api/public/feed-health/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"symbols":[]}');
      return;
    }
    if (path === '/api/public/candles/') {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      backend.candleRequests.push(q.toString());
      const symbol = q.get('symbol') ?? '';
      const market = q.get('market_type') === 'FUTURES' ? 'FUTURES' : 'SPOT';
      const key = market === 'FUTURES' ? `${symbol}.P` : symbol;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ symbol, market_type: market, interval: q.get('interval') ?? '1m', candles: backend.candles.get(key) ?? [] }));
      return;
    }
    if (path === '/api/public/ledger/verify') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, verified_through: 0, head_hash: '0'.repeat(64), events: 0, trades: 0 }));
      return;
    }
    // SPEC §15: the key and the last checkpoint, as the page shows them under the verification line.
    if (path === '/api/public/ledger/key') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          algorithm: 'Ed25519',
          public_key: Buffer.alloc(32).toString('base64'),
          fingerprint: 'f'.repeat(64),
          created_at: new Date(0).toISOString(),
        }),
      );
      return;
    }
    if (path === '/api/public/ledger/checkpoints/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ next_after: null, latest: null, results: [] }));
      return;
    }
    if (path === '/api/public/paper-trading/performance/') {
      backend.performanceRequests++;
      if (backend.performanceBusy > 0) {
        backend.performanceBusy--;
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'busy: retry' } }));
        return;
      }
      const tz = new URL(req.url ?? '/', 'http://x').searchParams.get('tz');
      backend.performanceTimeZones.push(tz);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ equity_curve: backend.equityCurve, ...computeRiskMetrics(closedInExitOrder(backend.riskTrades), tz ?? 'UTC', 1000) }));
      return;
    }
    const page = backend.pages.get(path);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(page);
      return;
    }
    const file = distFileFor(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"NOT_FOUND","message":"not found"}}');
      return;
    }
    readFile(join(DIST, file)).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });

  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  backend.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return backend;
}
