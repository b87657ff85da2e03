// `resync` answered with a fresh snapshot: a client that resyncs in a loop gets at most one snapshot
// per interval, and never none (a request inside the interval is deferred, not dropped).
import type { Socket } from 'socket.io';
import type { SnapshotJson } from '../../../shared/protocol-types.ts';

export const RESYNC_MIN_INTERVAL_MS = 250;

export function answerResyncs(socket: Socket, snapshot: () => SnapshotJson): void {
  let lastResync = 0;
  let deferred: NodeJS.Timeout | null = null;
  const send = () => {
    deferred = null;
    lastResync = Date.now();
    if (socket.connected) socket.emit('snapshot', snapshot());
  };
  socket.on('resync', () => {
    if (deferred) return;
    const wait = lastResync + RESYNC_MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) send();
    else deferred = setTimeout(send, wait);
  });
  socket.on('disconnect', () => {
    if (deferred) clearTimeout(deferred);
  });
}
