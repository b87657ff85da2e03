// /me: a user's own trades as a snapshot/delta stream (SPEC §5). Handshake `auth: {token}` of a user;
// anything else gets connect_error `unauthorized`. Each socket joins only its own user's room.
import type { TokenAuth } from '../../auth/token-auth.ts';
import type { TokenWatch } from '../../auth/token-watch.ts';
import type { Logger } from '../../logger.ts';
import type { SnapshotJson } from '../../../shared/protocol-types.ts';
import { followStream } from './follow-stream.ts';
import { meNamespace, type IoServer, type MeNamespace } from './io-server.ts';

/** A user's stream, from the engine's UserStreams or (ROLE=edge) a mirror of the engine's. */
export interface UserStreamSource {
  /** Opens (or shares) the user's stream; pair every call with release(). */
  acquire(userId: number): Promise<{ snapshot(): SnapshotJson; room: string }>;
  release(userId: number): void;
}

export function registerMeNamespace(io: IoServer, deps: { auth: TokenAuth; streams: UserStreamSource; log: Logger; tokens?: TokenWatch }): MeNamespace {
  const nsp = meNamespace(io);
  const log = deps.log.child({ module: 'me-namespace' });

  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    deps.auth
      .verify(token, 'user')
      .then((identity) => {
        if (!identity || identity.userId === null) return next(new Error('unauthorized'));
        socket.data.userId = identity.userId;
        deps.tokens?.track(token as string, socket); // a logout or revocation disconnects this socket
        next();
      })
      .catch((err: unknown) => {
        // A token store that cannot answer refuses the handshake (the page reconnects and retries).
        log.warn({ err: String(err) }, 'user token check failed');
        next(new Error('unauthorized'));
      });
  });

  nsp.on('connection', (socket) => {
    const userId = socket.data.userId;
    // Set by the middleware above for every socket it admits.
    if (userId === undefined) return void socket.disconnect(true);
    followStream(
      socket,
      () => deps.streams.acquire(userId),
      () => deps.streams.release(userId),
      (err) => log.warn({ err: String(err), userId }, 'could not open the user stream'),
    );
  });
  return nsp;
}
