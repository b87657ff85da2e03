// Acks that become ready in the same event-loop turn go out in one socket write: each is queued
// per socket and the queue is sent at the turn's end inside the uWS socket's `cork`. Without it
// every ack of a committed batch is its own send(2) on the bot's socket (50 in flight: 50 writes).
import type { Socket } from 'socket.io';

interface CorkableWs {
  cork(cb: () => void): unknown;
}

/** The uWS WebSocket under a Socket.IO socket, when it is on the websocket transport. */
function uwsSocket(socket: Socket): CorkableWs | null {
  const transport = (socket.conn as unknown as { transport?: { name?: string; socket?: Partial<CorkableWs> } }).transport;
  const ws = transport?.name === 'websocket' ? transport.socket : undefined;
  return ws && typeof ws.cork === 'function' ? (ws as CorkableWs) : null;
}

/** Returns `send(reply)`: runs `reply` at the end of this turn, with the socket's other queued replies, corked. */
export function corkedReplies(socket: Socket): (reply: () => void) => void {
  let queue: (() => void)[] = [];
  const flush = (): void => {
    const replies = queue;
    queue = [];
    const runAll = (): void => {
      for (const r of replies) r();
    };
    const ws = socket.connected ? uwsSocket(socket) : null;
    if (!ws) return runAll();
    try {
      ws.cork(runAll);
    } catch {
      // closed under us (uWS throws on a closed socket): Socket.IO drops replies to a gone client
      runAll();
    }
  };
  return (reply) => {
    if (queue.push(reply) === 1) setImmediate(flush);
  };
}
