// /me: a user's own trades as a snapshot/delta stream (SPEC §5). Handshake `auth: {token}` of a user;
// anything else gets connect_error `unauthorized`. Each socket joins only its own user's room.
import type { Namespace, Server, Socket } from 'socket.io';
import { NAMESPACES, type MeClientToServer, type MeServerToClient } from '../../../shared/socket-events.ts';
import type { TokenAuth } from '../../auth/token-auth.ts';
import type { TokenWatch } from '../../auth/token-watch.ts';
import type { Logger } from '../../logger.ts';
import type { SnapshotJson } from '../../../shared/protocol-types.ts';
import { answerResyncs } from './resync-throttle.ts';

/** A user's stream, from the engine's UserStreams or (ROLE=edge) a mirror of the engine's. */
export interface UserStreamSource {
  /** Opens (or shares) the user's stream; pair every call with release(). */
  acquire(userId: number): Promise<{ snapshot(): SnapshotJson; room: string }>;
  release(userId: number): void;
}


type MeSocket = Socket<MeClientToServer, MeServerToClient, Record<string, never>, { userId: number }>;

export function registerMeNamespace(io: Server, deps: { auth: TokenAuth; streams: UserStreamSource; log: Logger; tokens?: TokenWatch }): Namespace {
  const nsp = io.of(NAMESPACES.me) as unknown as Namespace<MeClientToServer, MeServerToClient>;
  const log = deps.log.child({ module: 'me-namespace' });

  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    deps.auth
      .verify(token, 'user')
      .then((identity) => {
        if (!identity || identity.userId === null) return next(new Error('unauthorized'));
        (socket as MeSocket).data.userId = identity.userId;
        deps.tokens?.track(token as string, socket); // a logout or revocation disconnects this socket
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  nsp.on('connection', (raw) => {
    const socket = raw as MeSocket;
    const userId = socket.data.userId;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      deps.streams.release(userId);
    };
    socket.on('disconnect', release);
    deps.streams.acquire(userId).then(
      (stream) => {
        if (!socket.connected) return release();
        // Snapshot first (it flushes queued deltas to the room), then join: no delta falls between.
        const first = stream.snapshot();
        void socket.join(stream.room);
        socket.emit('snapshot', first);
        answerResyncs(socket as unknown as Socket, () => stream.snapshot());
      },
      (err: unknown) => {
        log.warn({ err: String(err), userId }, 'could not open the user stream');
        release();
        socket.disconnect(true);
      },
    );
  });
  return nsp as unknown as Namespace;
}
