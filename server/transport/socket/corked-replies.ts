// Acks that become ready together go out in one socket write: each is queued per socket and the
// queue is sent from a microtask inside the uWS socket's `cork`. Without it every ack of a committed
// batch is its own send(2) on the bot's socket (50 in flight: 50 writes). A microtask, not
// setImmediate: the acks must leave before the loop reaches uWS's drain of the batch's published
// deltas, which to thousands of viewers holds the loop for tens of milliseconds.
// The uWS socket under Socket.IO's is a reach-in: socket-io-internals.ts.
import type { Socket } from 'socket.io';
import { uwsSocketOf } from './socket-io-internals.ts';

/**
 * Returns `send(reply)`: runs `reply` once the current microtasks are done, corked with the socket's
 * other replies queued meanwhile (the callers of one committed batch resume in the same microtask
 * round, so their acks share a write).
 */
export function corkedReplies(socket: Pick<Socket, 'conn' | 'connected'>): (reply: () => void) => void {
  let queue: (() => void)[] = [];
  const flush = (): void => {
    const replies = queue;
    queue = [];
    let next = 0;
    // Each reply once, in order; one that throws (a client gone mid-write) does not stop the others.
    const runRest = (): void => {
      while (next < replies.length) {
        const reply = replies[next++]!;
        try {
          reply();
        } catch {
          // Socket.IO drops replies to a gone client; nothing to tell it
        }
      }
    };
    const ws = socket.connected ? uwsSocketOf(socket) : null;
    if (!ws) return runRest();
    try {
      ws.cork(runRest);
    } catch {
      runRest(); // uWS refused the cork (socket closed under us): the rest uncorked
    }
  };
  return (reply) => {
    if (queue.push(reply) === 1) queueMicrotask(flush);
  };
}
