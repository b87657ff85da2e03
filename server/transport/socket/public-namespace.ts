// /public: no auth. Stream viewers get a snapshot then deltas; `channels: ['ticker']` gets ticker frames only.
// Snapshots (a viewer's first and every resync) come from one cache per stream head and go out
// within a process-wide byte budget (snapshot-cache.ts, snapshot-budget.ts).
import type { Namespace, Server, Socket } from 'socket.io';
import { answerResyncsWith } from './resync-throttle.ts';
import {
  NAMESPACES,
  type PublicClientToServer,
  type PublicServerToClient,
} from '../../../shared/socket-events.ts';
import { STREAM_ROOM, TICKER_ROOM, type PublicStream, type StreamSink } from './public-stream.ts';
import { SnapshotCache, type SnapshotHeadSource } from './snapshot-cache.ts';
import { SnapshotBudget, type SnapshotBudgetConfig } from './snapshot-budget.ts';
import type { Logger } from '../../logger.ts';

/** What a connecting viewer is served from: the local stream, or (ROLE=edge) a mirror of the engine's. */
export type SnapshotSource = Pick<PublicStream, 'snapshot' | 'snapshotTicker'> & SnapshotHeadSource;

export interface PublicSnapshots {
  cache: SnapshotCache;
  budget: SnapshotBudget;
}

export function registerPublicNamespace(
  io: Server,
  stream: SnapshotSource,
  opts: { budget?: SnapshotBudgetConfig; log?: Logger } = {},
): PublicSnapshots & { nsp: Namespace } {
  const nsp = io.of(NAMESPACES.public) as Namespace<PublicClientToServer, PublicServerToClient>;
  const cache = new SnapshotCache(stream, NAMESPACES.public);
  const log = opts.log?.child({ module: 'public-namespace' });
  const budget = new SnapshotBudget(opts.budget ?? { bytesPerSecond: 0, turnsPerSecond: 0 }, undefined, (err) => log?.error({ err }, 'sending a snapshot failed'));
  /** One snapshot to `socket` when the budget allows; joins the room in the same turn when asked. */
  const sendSnapshot = (socket: Socket, join: boolean, done: () => void = () => {}) =>
    budget.run(() => {
      if (!socket.connected) return (done(), 0);
      // Snapshot first (it flushes queued deltas to the room), then join: no delta falls between.
      const { packet, wire, built } = cache.frame();
      if (join) void socket.join(STREAM_ROOM);
      // wsPreEncoded: Engine.IO's websocket transport sends this string as is (polling encodes `packet`).
      socket.conn.write(packet, { wsPreEncoded: wire } as Parameters<Socket['conn']['write']>[1]);
      done();
      return built + packet.length;
    });
  nsp.on('connection', (socket) => {
    const channels = (socket.handshake.auth as { channels?: unknown } | undefined)?.channels;
    const tickerOnly = Array.isArray(channels) && channels.includes('ticker') && !channels.includes('stream');
    if (tickerOnly) {
      void socket.join(TICKER_ROOM);
      socket.emit('ticker', stream.snapshotTicker());
      return;
    }
    const s = socket as unknown as Socket;
    sendSnapshot(s, true);
    answerResyncsWith(s, (done) => sendSnapshot(s, false, done));
  });
  return { nsp: nsp as unknown as Namespace, cache, budget };
}

/** Room-wide emits: a single room keeps Socket.IO on its uWS publish fast path. */
export function namespaceSink(nsp: Namespace): StreamSink {
  return {
    emitToRoom(room, event, payload) {
      nsp.to(room).emit(event, payload);
    },
  };
}
