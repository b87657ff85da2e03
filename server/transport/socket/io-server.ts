// Socket.IO attached to the uWS app (`io.attachApp`), with deliberate limits on frames, buffering,
// connections per IP and namespace CONNECTs (connection-limits.ts).
import { Server } from 'socket.io';
import type { TemplatedApp } from 'uWebSockets.js';
import { NAMESPACES } from '../../../shared/socket-events.ts';
import { ConnectionLimits, type ConnectionLimitsConfig } from './connection-limits.ts';

export const SOCKET_LIMITS = {
  /** Largest inbound frame (a signal is < 1 KiB; a price batch of 1,000 ticks < 64 KiB). */
  maxHttpBufferSize: 128 * 1024,
  /** Per-connection send buffer in uWS; past it publishes to that socket are dropped (it resyncs by seq). */
  maxBackpressure: 1024 * 1024,
} as const;

/** The defaults of server/config.ts, for callers (tests) that build a server without a Config. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimitsConfig = {
  maxSocketsPerIp: 64,
  maxConnectsPerSocket: 10,
  connectsPerIpPerSecond: 20,
};

export function createIoServer(app: TemplatedApp, limitsConfig: ConnectionLimitsConfig = DEFAULT_CONNECTION_LIMITS): Server {
  const limits = new ConnectionLimits(limitsConfig);
  const io = new Server({
    maxHttpBufferSize: SOCKET_LIMITS.maxHttpBufferSize,
    serveClient: false,
    cors: { origin: '*', methods: ['GET', 'POST'] },
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    allowRequest: limits.allowRequest,
  });
  io.attachApp(app, {
    maxBackpressure: SOCKET_LIMITS.maxBackpressure,
  } as Parameters<Server['attachApp']>[1]);
  // Before any namespace registers its own middlewares, so the limits run first.
  limits.install(io, ['/', ...Object.values(NAMESPACES)]);
  return io;
}
