// `resync` answered with a fresh snapshot: a client that resyncs in a loop gets at most one snapshot
// per interval, and never none (a request inside the interval is deferred, not dropped; requests
// while one is deferred or waiting for the snapshot budget are folded into it).
import type { SnapshotJson } from '../../../shared/protocol-types.ts';

export const RESYNC_MIN_INTERVAL_MS = 250;

/** The part of a /public or /me socket the throttle uses. */
export interface ResyncSocket {
  readonly connected: boolean;
  on(event: 'resync' | 'disconnect', fn: () => void): unknown;
  emit(event: 'snapshot', s: SnapshotJson): unknown;
}

export function answerResyncs(socket: ResyncSocket, snapshot: () => SnapshotJson): void {
  answerResyncsWith(socket, (done) => {
    if (socket.connected) socket.emit('snapshot', snapshot());
    done();
  });
}

/** `send` delivers one snapshot (now or later) and calls `done` once it did, or gave up. */
export function answerResyncsWith(socket: Pick<ResyncSocket, 'on'>, send: (done: () => void) => void): void {
  let lastResync = 0;
  let deferred: NodeJS.Timeout | null = null;
  let sending = false;
  const start = () => {
    deferred = null;
    sending = true;
    send(() => {
      sending = false;
      lastResync = Date.now();
    });
  };
  socket.on('resync', () => {
    if (deferred || sending) return;
    const wait = lastResync + RESYNC_MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) start();
    else deferred = setTimeout(start, wait);
  });
  socket.on('disconnect', () => {
    if (deferred) clearTimeout(deferred);
  });
}
