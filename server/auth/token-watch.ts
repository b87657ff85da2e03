// Revocation reaches open connections: a socket that authenticated with a stored token (a bot on
// /bot, a user on /me) is tracked by the token's hash, and a periodic check disconnects every socket
// whose token was revoked since (by the CLI, a logout, another process). One query per sweep for
// all tracked tokens. BOT_TOKEN from the environment is not in the database and is not tracked.
import { hashToken } from './token-auth.ts';
import type { Logger } from '../logger.ts';

export interface WatchedSocket {
  disconnect(close?: boolean): unknown;
  once(event: 'disconnect', fn: () => void): unknown;
}

/** Of the given hashes, those still valid (present and not revoked). */
export type ValidHashes = (hashes: string[]) => Promise<Set<string>>;

export const TOKEN_RECHECK_MS = 5_000;

export class TokenWatch {
  private readonly byHash = new Map<string, Set<WatchedSocket>>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;

  constructor(
    private readonly validHashes: ValidHashes,
    private readonly log: Logger,
    private readonly everyMs = TOKEN_RECHECK_MS,
  ) {}

  track(token: string, socket: WatchedSocket): void {
    const hash = hashToken(token);
    let set = this.byHash.get(hash);
    if (!set) this.byHash.set(hash, (set = new Set()));
    set.add(socket);
    socket.once('disconnect', () => {
      set.delete(socket);
      if (set.size === 0 && this.byHash.get(hash) === set) this.byHash.delete(hash);
    });
  }

  get tracked(): number {
    let n = 0;
    for (const s of this.byHash.values()) n += s.size;
    return n;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Disconnects the sockets of revoked tokens; returns how many. A database error keeps them (retried next sweep). */
  async sweep(): Promise<number> {
    if (this.sweeping || this.byHash.size === 0) return 0;
    this.sweeping = true;
    try {
      const valid = await this.validHashes([...this.byHash.keys()]);
      let n = 0;
      for (const [hash, sockets] of [...this.byHash]) {
        if (valid.has(hash)) continue;
        this.byHash.delete(hash);
        for (const s of sockets) {
          s.disconnect(true);
          n++;
        }
      }
      if (n > 0) this.log.info({ sockets: n }, 'disconnected sockets of revoked tokens');
      return n;
    } catch (err) {
      this.log.warn({ err: String(err) }, 'token revocation check failed; retrying');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }
}
