// A socket following one subset stream (subset-streams.ts: a user's on /me, a bot's on /public): the
// stream opened (or shared), its snapshot sent, the socket joined to its room in the same turn, its
// resyncs answered from the same stream, and the stream released once when the socket goes.
import { answerResyncs, type ResyncSocket } from './resync-throttle.ts';
import type { StreamHandle } from './subset-streams.ts';

export interface FollowingSocket extends ResyncSocket {
  join(room: string): unknown;
  disconnect(close?: boolean): unknown;
}

export function followStream(socket: FollowingSocket, open: () => Promise<StreamHandle>, release: () => void, failed: (err: unknown) => void): void {
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    release();
  };
  socket.on('disconnect', releaseOnce);
  open().then(
    (stream) => {
      if (!socket.connected) return releaseOnce();
      // Snapshot first (it flushes queued deltas to the room), then join: no delta falls between.
      const first = stream.snapshot();
      void socket.join(stream.room);
      socket.emit('snapshot', first);
      answerResyncs(socket, () => stream.snapshot());
    },
    (err: unknown) => {
      failed(err);
      releaseOnce();
      socket.disconnect(true);
    },
  );
}
