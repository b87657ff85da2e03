// /public: no auth. Stream viewers get a snapshot then deltas; `channels: ['ticker']` gets ticker frames only.
import type { Namespace, Server } from 'socket.io';
import {
  NAMESPACES,
  type PublicClientToServer,
  type PublicServerToClient,
} from '../../../shared/socket-events.ts';
import { STREAM_ROOM, TICKER_ROOM, type PublicStream, type StreamSink } from './public-stream.ts';

const RESYNC_MIN_INTERVAL_MS = 250;

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
    void socket.join(STREAM_ROOM);
    socket.emit('snapshot', stream.snapshot());
    // A client that resyncs in a loop gets at most one snapshot per interval, never none.
    let lastResync = 0;
    let deferred: NodeJS.Timeout | null = null;
    const sendSnapshot = () => {
      deferred = null;
      lastResync = Date.now();
      if (socket.connected) socket.emit('snapshot', stream.snapshot());
    };
    socket.on('resync', () => {
      if (deferred) return;
      const wait = lastResync + RESYNC_MIN_INTERVAL_MS - Date.now();
      if (wait <= 0) sendSnapshot();
      else deferred = setTimeout(sendSnapshot, wait);
    });
    socket.on('disconnect', () => {
      if (deferred) clearTimeout(deferred);
    });
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
