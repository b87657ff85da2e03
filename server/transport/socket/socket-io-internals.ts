// The one place Paperbook reaches past the public APIs of Socket.IO, engine.io, the Redis Streams
// adapter and uWS. Each reach-in below names what it touches, why no supported API does the job, and
// the version it was written against: tests/transport/socket-io-internals.test.ts pins those versions
// (upgrading any of them fails that test until the reach-ins here are re-checked) and exercises each.
//
// Written against: socket.io 4.8.4, engine.io 6.6.12, socket.io-adapter 2.5.8,
// @socket.io/redis-streams-adapter 0.3.1, uWebSockets.js 20.30.0-unofficial.0 (@trufflesuite build).
import { MessageType, type ClusterMessage } from 'socket.io-adapter';
import type { Namespace, Socket } from 'socket.io';
import type { TemplatedApp } from 'uWebSockets.js';
import uWS from 'uWebSockets.js';

/**
 * ROLE=edge: calls `onBroadcast` with the rooms, event and arguments of every broadcast the cluster
 * adapter relays to this namespace from another node, right after it was delivered to the local
 * sockets (so a mirror and the room never disagree on seq). Socket.IO has no event for "a broadcast
 * arrived from the cluster": the adapter's `onMessage` (protected in socket.io-adapter's
 * ClusterAdapter, called by the Redis Streams adapter for each decoded stream entry) is wrapped.
 * Broadcasts that wait for acks (`requestId`) are not ours and are skipped.
 */
export function tapRelayedBroadcasts(nsp: Pick<Namespace, 'adapter' | 'name'>, onBroadcast: (rooms: string[], event: unknown, arg: unknown) => void): void {
  const adapter = nsp.adapter as unknown as { onMessage(m: ClusterMessage, offset?: string): void };
  if (typeof adapter.onMessage !== 'function') throw new Error('the namespace adapter is not a cluster adapter (no onMessage to tap)');
  const deliver = adapter.onMessage.bind(adapter);
  adapter.onMessage = (m, offset) => {
    deliver(m, offset);
    if (m.type !== MessageType.BROADCAST || m.nsp !== nsp.name || m.data.requestId !== undefined) return;
    const packet = m.data.packet as { data?: unknown[] } | undefined;
    const rooms = (m.data.opts as { rooms?: string[] } | undefined)?.rooms;
    if (packet?.data && rooms && rooms.length > 0) onBroadcast(rooms, packet.data[0], packet.data[1]);
  };
}

/** What corked-replies.ts needs of a uWS WebSocket. */
export interface CorkableWs {
  cork(cb: () => void): unknown;
}

/**
 * The uWS WebSocket under a Socket.IO socket, when it is on the websocket transport (else null).
 * engine.io's uWS transport (build/transports-uws/websocket.js) keeps it in a private `socket` field;
 * uWS's `cork` is what lets several acks leave in one write, and Socket.IO offers no cork of its own.
 */
export function uwsSocketOf(socket: Pick<Socket, 'conn'>): CorkableWs | null {
  const transport = socket.conn.transport as unknown as { name?: string; socket?: Partial<CorkableWs> } | undefined;
  const ws = transport?.name === 'websocket' ? transport.socket : undefined;
  return ws && typeof ws.cork === 'function' ? (ws as CorkableWs) : null;
}

/**
 * Writes an already-encoded Socket.IO packet to one socket. `wsPreEncoded` is the engine.io write
 * option Socket.IO's own broadcast uses (not in engine.io's public option type): the websocket
 * transport sends `wire` as is, polling encodes `packet`. Saves a JSON.stringify per viewer.
 */
export function writePreEncoded(socket: Pick<Socket, 'conn'>, packet: string, wire: string): void {
  socket.conn.write(packet, { wsPreEncoded: wire } as Parameters<Socket['conn']['write']>[1]);
}

/**
 * Closes a uWS app's listen socket and every open connection. `TemplatedApp.close()` exists in this
 * uWS build but not in its type declarations; older builds lack it, so the listen socket alone is
 * closed there.
 */
export function closeUwsApp(app: TemplatedApp, listenSocket: uWS.us_listen_socket): void {
  const closeAll = (app as unknown as { close?: () => void }).close;
  if (closeAll) closeAll.call(app);
  else uWS.us_listen_socket_close(listenSocket);
}
