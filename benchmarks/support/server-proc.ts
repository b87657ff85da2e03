// A server in its own process, so its CPU and memory are its own: `app` (the real Paperbook app,
// PRICE_FEED=bot), `bare-ws` (the baseline: bare Socket.IO on Node's http server, i.e. ws) or
// `bare-uws` (the ceiling: bare Socket.IO attached to uWS with the product's limits).
// Argv: mode, then JSON options. Reports {type:'ready', port, startMs, peakRss}.
import http from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Server } from 'socket.io';
import uWS from 'uWebSockets.js';
import { SOCKET_LIMITS } from '../../server/transport/socket/io-server.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startApp, type AppHandle } from '../../server/app.ts';
import { peakRss, serveCommands, settledRss } from './child.ts';

interface Options {
  databaseUrl?: string;
  botToken?: string;
  /** Below the 10 ms the env allows: set on the Config object (the product path is unchanged). */
  broadcastIntervalMs?: number;
  webRoot?: string;
  /** HTTP_RATE_LIMIT (e.g. '0': off, for a client asking many times from 127.0.0.1). */
  httpRateLimit?: string;
}

const mode = process.argv[2];
const opts = JSON.parse(process.argv[3] ?? '{}') as Options;

async function main(): Promise<void> {
  const t0 = performance.now();
  let port: number;
  let emitDelta: ((payload: unknown) => void) | null = null;
  let app: AppHandle | null = null;
  if (mode === 'app') {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      PRICE_FEED: 'bot',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error', // e.g. debug: start-up and hydration phase timings
      DATABASE_URL: opts.databaseUrl,
      BOT_TOKEN: opts.botToken,
      DEMO_BOT: 'off',
      PRICE_STALE_MS: '600000',
      // Every bench viewer comes from 127.0.0.1: the per-IP socket limits would cap the fleet at 64.
      MAX_SOCKETS_PER_IP: '0',
      SOCKET_CONNECTS_PER_IP: '0',
      ...(opts.httpRateLimit === undefined ? {} : { HTTP_RATE_LIMIT: opts.httpRateLimit }),
    });
    if (opts.broadcastIntervalMs !== undefined) config.broadcastIntervalMs = opts.broadcastIntervalMs;
    app = await startApp(config, { log: createLogger(config.logLevel), signalsPerSecond: 1_000_000, ...(opts.webRoot ? { webRoot: opts.webRoot } : {}) });
    port = app.port;
  } else if (mode === 'bare-ws' || mode === 'bare-uws') {
    const ioOpts = { serveClient: false, maxHttpBufferSize: 128 * 1024, pingInterval: 20_000, pingTimeout: 20_000 };
    let io: Server;
    if (mode === 'bare-ws') {
      const server = http.createServer();
      io = new Server(server, ioOpts);
      port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    } else {
      const uws = uWS.App();
      io = new Server(ioOpts);
      io.attachApp(uws, { maxBackpressure: SOCKET_LIMITS.maxBackpressure } as Parameters<Server['attachApp']>[1]);
      port = await new Promise<number>((resolve, reject) =>
        uws.listen('127.0.0.1', 0, (t) => (t ? resolve(uWS.us_socket_local_port(t)) : reject(new Error('listen')))),
      );
    }
    const nsp = io.of('/public');
    nsp.on('connection', (socket) => {
      void socket.join('stream');
      socket.emit('snapshot', { seq: 0 });
    });
    emitDelta = (payload) => nsp.to('stream').emit('delta', payload);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const startMs = performance.now() - t0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });

  serveCommands({
    /** This process's event-loop delay and its GC pauses (ms) since the last `reset`. */
    loopDelay: (m) => {
      const r = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, gcCount: gc.count, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs };
      if (m.reset) {
        loop.reset();
        Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
      }
      return r;
    },
    rss: () => ({ rss: settledRss(), peakRss: peakRss() }),
    cpu: () => process.cpuUsage(),
    /** The public stream's last measured fan-out (app only). */
    streamStats: () => ({ fanoutMs: app?.stream.fanoutMs ?? null, seq: app?.stream.seq ?? null }),
    /**
     * Bare emit loop for `ms` milliseconds: `perTurn` deltas (default 1) per event-loop turn, the
     * turns paced by setImmediate, or by a `everyMs` timer when given (as the product's interval).
     */
    emit: async (m) => {
      if (!emitDelta) throw new Error('emit is for bare servers');
      const until = performance.now() + (m.ms as number);
      const perTurn = (m.perTurn as number | undefined) ?? 1;
      const everyMs = m.everyMs as number | undefined;
      let seq = 0;
      const base = m.payload as Record<string, unknown>;
      while (performance.now() < until) {
        for (let i = 0; i < perTurn; i++) emitDelta({ ...base, seq: ++seq });
        await new Promise((r) => (everyMs === undefined ? setImmediate(r) : setTimeout(r, everyMs)));
      }
      return { emitted: seq };
    },
    profile: () => ({}),
    close: async () => {
      await app?.close();
      return {};
    },
  });
  process.send?.({ type: 'ready', port, startMs, peakRss: peakRss(), rss: settledRss() });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String((err as Error).stack ?? err) });
  process.exit(1);
});
