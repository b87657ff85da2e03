// /public: no auth. Stream viewers get a snapshot then deltas; `channels: ['ticker']` gets ticker frames only.
// Snapshots (a viewer's first and every resync) come from one cache per stream head and go out
// within a process-wide byte budget (snapshot-cache.ts, snapshot-budget.ts).
import { answerResyncsWith } from './resync-throttle.ts';
import { NAMESPACES } from '../../../shared/socket-events.ts';
import { publicNamespace, type IoServer, type PublicNamespace, type PublicSocket } from './io-server.ts';
import { writePreEncoded } from './socket-io-internals.ts';
import { STREAM_ROOM, TICKER_ROOM, type PublicStream, type StreamFrames, type StreamSink } from './public-stream.ts';
import { SnapshotCache, type SnapshotHeadSource } from './snapshot-cache.ts';
import { SnapshotBudget, type SnapshotBudgetConfig } from './snapshot-budget.ts';
import type { Logger } from '../../logger.ts';
import { BotTickers, type BotTickerSource } from './bot-tickers.ts';
import { BOT_NAME_PATTERN } from '../../../shared/constants.ts';

/** What a connecting viewer is served from: the local stream, or (ROLE=edge) a mirror of the engine's. */
export type SnapshotSource = Pick<PublicStream, 'snapshot' | 'snapshotTicker'> & SnapshotHeadSource;

export interface PublicSnapshots {
  cache: SnapshotCache;
  budget: SnapshotBudget;
}

export function registerPublicNamespace(
  io: IoServer,
  stream: SnapshotSource,
  opts: { budget?: SnapshotBudgetConfig; log?: Logger; botTicker?: BotTickerSource } = {},
): PublicSnapshots & { nsp: PublicNamespace; botTickers: BotTickers | null } {
  const nsp = publicNamespace(io);
  const cache = new SnapshotCache(stream, NAMESPACES.public);
  const log = opts.log?.child({ module: 'public-namespace' });
  const budget = new SnapshotBudget(opts.budget ?? { bytesPerSecond: 0, turnsPerSecond: 0 }, undefined, (err) =>
    log?.error({ err }, 'sending a snapshot failed'),
  );
  /** One snapshot to `socket` when the budget allows; joins the room in the same turn when asked. */
  const sendSnapshot = (socket: PublicSocket, join: boolean, done: () => void = () => {}) =>
    budget.run(() => {
      if (!socket.connected) return (done(), 0);
      // Snapshot first (it flushes queued deltas to the room), then join: no delta falls between.
      const { packet, wire, built } = cache.frame();
      if (join) void socket.join(STREAM_ROOM);
      writePreEncoded(socket, packet, wire);
      done();
      return built + packet.length;
    });
  const botTickers = opts.botTicker ? new BotTickers(nsp, opts.botTicker, log) : null;
  // `auth.bot` is only for the ticker, and must be a bot's name: refused at the handshake otherwise.
  nsp.use((socket, next) => {
    const { bot } = (socket.handshake.auth ?? {}) as { bot?: unknown };
    if (bot === undefined) return next();
    if (typeof bot !== 'string' || !BOT_NAME_PATTERN.test(bot)) return next(new Error('auth.bot must be a bot name'));
    if (!isTickerOnly(socket.handshake.auth)) return next(new Error("auth.bot is for channels: ['ticker'] (the stream is every bot's)"));
    if (!botTickers) return next(new Error('this node serves no per-bot ticker'));
    next();
  });
  nsp.on('connection', (socket) => {
    const { bot } = (socket.handshake.auth ?? {}) as { bot?: string };
    const tickerOnly = isTickerOnly(socket.handshake.auth);
    if (tickerOnly && bot !== undefined && botTickers) {
      void botTickers.join(socket, bot);
      return;
    }
    if (tickerOnly) {
      void socket.join(TICKER_ROOM);
      socket.emit('ticker', stream.snapshotTicker());
      return;
    }
    sendSnapshot(socket, true);
    answerResyncsWith(socket, (done) => sendSnapshot(socket, false, done));
  });
  botTickers?.start();
  return { nsp, cache, budget, botTickers };
}

/** `channels: ['ticker']` without the stream: ticker frames only (the widget). */
function isTickerOnly(auth: unknown): boolean {
  const channels = (auth as { channels?: unknown } | undefined)?.channels;
  return Array.isArray(channels) && channels.includes('ticker') && !channels.includes('stream');
}

/** Room-wide emits: a single room keeps Socket.IO on its uWS publish fast path. */
export function namespaceSink(nsp: PublicNamespace): StreamSink {
  const emitters: { [E in keyof StreamFrames]: (room: string, payload: StreamFrames[E]) => void } = {
    delta: (room, d) => nsp.to(room).emit('delta', d),
    ticker: (room, t) => nsp.to(room).emit('ticker', t),
    candles: (room, c) => nsp.to(room).emit('candles', c),
  };
  return {
    emitToRoom(room, event, payload) {
      emitters[event](room, payload);
    },
  };
}
