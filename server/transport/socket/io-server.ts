// Socket.IO attached to the uWS app (`io.attachApp`), with deliberate limits on frames, buffering,
// connections per IP and namespace CONNECTs (connection-limits.ts). The server and each namespace
// are typed by the event maps of shared/socket-events.ts: an emit with the wrong payload does not compile.
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import type { TemplatedApp } from 'uWebSockets.js';
import {
  NAMESPACES,
  type BotClientToServer,
  type BotServerToClient,
  type ClientToServerEvents,
  type InterServerEvents,
  type MeClientToServer,
  type MeServerToClient,
  type PublicClientToServer,
  type PublicServerToClient,
  type ServerToClientEvents,
} from '../../../shared/socket-events.ts';
import type { TokenIdentity } from '../../auth/token-auth.ts';
import { ConnectionLimits, type ConnectionLimitsConfig } from './connection-limits.ts';

/** What a namespace's middleware learns about a socket: the bot (/bot) or the user (/me). */
export interface SocketData {
  identity?: TokenIdentity;
  userId?: number;
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type PublicNamespace = Namespace<PublicClientToServer, PublicServerToClient, InterServerEvents, SocketData>;
export type PublicSocket = Socket<PublicClientToServer, PublicServerToClient, InterServerEvents, SocketData>;
export type BotNamespace = Namespace<BotClientToServer, BotServerToClient, InterServerEvents, SocketData>;
export type BotSocket = Socket<BotClientToServer, BotServerToClient, InterServerEvents, SocketData>;
export type MeNamespace = Namespace<MeClientToServer, MeServerToClient, InterServerEvents, SocketData>;
export type MeSocket = Socket<MeClientToServer, MeServerToClient, InterServerEvents, SocketData>;

/** Each namespace with its own event maps (a narrowing of the server-wide union maps). */
export const publicNamespace = (io: IoServer): PublicNamespace => io.of(NAMESPACES.public);
export const botNamespace = (io: IoServer): BotNamespace => io.of(NAMESPACES.bot);
export const meNamespace = (io: IoServer): MeNamespace => io.of(NAMESPACES.me);

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

export function createIoServer(app: TemplatedApp, limitsConfig: ConnectionLimitsConfig = DEFAULT_CONNECTION_LIMITS): IoServer {
  const limits = new ConnectionLimits(limitsConfig);
  const options: Partial<ServerOptions> = {
    maxHttpBufferSize: SOCKET_LIMITS.maxHttpBufferSize,
    serveClient: false,
    cors: { origin: '*', methods: ['GET', 'POST'] },
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    allowRequest: limits.allowRequest,
  };
  const io: IoServer = new Server(options);
  io.attachApp(app, {
    maxBackpressure: SOCKET_LIMITS.maxBackpressure,
  } as Parameters<Server['attachApp']>[1]);
  // Before any namespace registers its own middlewares, so the limits run first.
  limits.install(io, ['/', ...Object.values(NAMESPACES)]);
  return io;
}
