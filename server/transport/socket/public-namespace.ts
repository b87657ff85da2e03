// /public: no auth. Stream viewers get a snapshot then deltas; `channels: ['ticker']` gets ticker frames only;
// `bot` narrows either to one bot (SPEC §11: its ticker room, or its own stream in bot-streams.ts).
// Snapshots (a viewer's first and every resync) come from one cache per stream head and go out
// within a process-wide byte budget (snapshot-cache.ts, snapshot-budget.ts).
import { answerResyncsWith } from './resync-throttle.ts';
import { followStream } from './follow-stream.ts';
import { NAMESPACES } from '../../../shared/socket-events.ts';
import { publicNamespace, type IoServer, type PublicNamespace, type PublicSocket } from './io-server.ts';
import { writePreEncoded } from './socket-io-internals.ts';
import { STREAM_ROOM, TICKER_ROOM, type PublicStream, type StreamFrames, type StreamSink } from './public-stream.ts';
import { SnapshotCache, type SnapshotHeadSource } from './snapshot-cache.ts';
import { SnapshotBudget, type SnapshotBudgetConfig } from './snapshot-budget.ts';
import type { Logger } from '../../logger.ts';
import { BotTickers, type BotTickerSource } from './bot-tickers.ts';
import { BOT_NAME_PATTERN } from '../../../shared/constants.ts';
import type { StreamHandle } from './subset-streams.ts';

/** What a connecting viewer is served from: the local stream, or (ROLE=edge) a mirror of the engine's. */
export type SnapshotSource = Pick<PublicStream, 'snapshot' | 'snapshotTicker'> & SnapshotHeadSource;

/** One bot's stream (SPEC §11, `auth: {bot}`): bot-streams.ts on a node that runs the engine. */
export interface BotStreamSource {
  /** Whether a bot of that name has public trades (a stream is opened only for one). */
  exists(bot: string): Promise<boolean>;
  /** Opens (or shares) the bot's stream; pair every call with release(). */
  acquire(bot: string): Promise<StreamHandle>;
  release(bot: string): void;
}

export interface PublicSnapshots {
  cache: SnapshotCache;
  budget: SnapshotBudget;
}

export function registerPublicNamespace(
  io: IoServer,
  stream: SnapshotSource,
  opts: { budget?: SnapshotBudgetConfig; log?: Logger; botTicker?: BotTickerSource; botStreams?: BotStreamSource } = {},
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
  // `auth.bot` must be a bot's name; with the stream, one that has public trades. Refused at the handshake otherwise.
  nsp.use((socket, next) => {
    const { bot } = (socket.handshake.auth ?? {}) as { bot?: unknown };
    if (bot === undefined) return next();
    if (typeof bot !== 'string' || !BOT_NAME_PATTERN.test(bot)) return next(new Error('auth.bot must be a bot name'));
    if (isTickerOnly(socket.handshake.auth)) return next(botTickers ? undefined : new Error('this node serves no per-bot ticker'));
    const streams = opts.botStreams;
    if (!streams) return next(new Error('this node serves no per-bot stream (an edge: read the bot from REST, or its ticker)'));
    streams.exists(bot).then(
      (known) => next(known ? undefined : new Error(`no bot named ${bot} has public trades`)),
      (err: unknown) => {
        log?.warn({ err: String(err), bot }, 'bot lookup failed');
        next(new Error('bot stream unavailable, retry'));
      },
    );
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
    const botStreams = opts.botStreams;
    if (bot !== undefined && botStreams) {
      return followStream(
        socket,
        () => botStreams.acquire(bot),
        () => botStreams.release(bot),
        (err) => log?.warn({ err: String(err), bot }, 'could not open the bot stream'),
      );
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
