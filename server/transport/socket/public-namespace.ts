// /public: no auth. Stream viewers get a snapshot then deltas; `channels: ['ticker']` gets ticker frames only.
import type { Namespace, Server, Socket } from 'socket.io';
import { answerResyncs } from './resync-throttle.ts';
import {
  NAMESPACES,
  type PublicClientToServer,
  type PublicServerToClient,
} from '../../../shared/socket-events.ts';
import { STREAM_ROOM, TICKER_ROOM, type PublicStream, type StreamSink } from './public-stream.ts';

/** What a connecting viewer is served from: the local stream, or (ROLE=edge) a mirror of the engine's. */
export type SnapshotSource = Pick<PublicStream, 'snapshot' | 'snapshotTicker'>;

export function registerPublicNamespace(io: Server, stream: SnapshotSource): Namespace {
  const nsp = io.of(NAMESPACES.public) as Namespace<PublicClientToServer, PublicServerToClient>;
  nsp.on('connection', (socket) => {
    const channels = (socket.handshake.auth as { channels?: unknown } | undefined)?.channels;
    const tickerOnly = Array.isArray(channels) && channels.includes('ticker') && !channels.includes('stream');
    if (tickerOnly) {
      void socket.join(TICKER_ROOM);
      socket.emit('ticker', stream.snapshotTicker());
      return;
    }
    // Snapshot first (it flushes queued deltas to the room), then join: no delta falls between.
    const first = stream.snapshot();
    void socket.join(STREAM_ROOM);
    socket.emit('snapshot', first);
    answerResyncs(socket as unknown as Socket, () => stream.snapshot());
  });
  return nsp as unknown as Namespace;
}

/** Room-wide emits: a single room keeps Socket.IO on its uWS publish fast path. */
export function namespaceSink(nsp: Namespace): StreamSink {
  return {
    emitToRoom(room, event, payload) {
      nsp.to(room).emit(event, payload);
    },
  };
}
