// The one place the page opens its socket: same origin, /public namespace, typed events.
import { io } from 'socket.io-client';
import { NAMESPACES } from '../../../shared/socket-events.ts';
import type { PublicSocket } from '../../../shared/stream-client.ts';

export function createPublicSocket(origin = ''): PublicSocket {
  return io(`${origin}${NAMESPACES.public}`, { autoConnect: false, transports: ['websocket'] });
}
