// Socket.IO attached to the uWS app (`io.attachApp`), with deliberate limits on frames and buffering.
import { Server } from 'socket.io';
import type { TemplatedApp } from 'uWebSockets.js';

export const SOCKET_LIMITS = {
  /** Largest inbound frame (a signal is < 1 KiB; a price batch of 1,000 ticks < 64 KiB). */
  maxHttpBufferSize: 128 * 1024,
  /** Per-connection send buffer in uWS; past it publishes to that socket are dropped (it resyncs by seq). */
  maxBackpressure: 1024 * 1024,
} as const;

export function createIoServer(app: TemplatedApp): Server {
  const io = new Server({
    maxHttpBufferSize: SOCKET_LIMITS.maxHttpBufferSize,
    serveClient: false,
    cors: { origin: '*', methods: ['GET', 'POST'] },
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
  });
  io.attachApp(app, {
    maxBackpressure: SOCKET_LIMITS.maxBackpressure,
  } as Parameters<Server['attachApp']>[1]);
  return io;
}
