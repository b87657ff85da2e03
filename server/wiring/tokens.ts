// Bearer tokens for the socket namespaces and REST: stored tokens (bots and users) plus the
// operator's BOT_TOKEN, and the watch that disconnects sockets whose token was revoked.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.ts';
import { TokenRepository } from '../persistence/token-repository.ts';
import { TokenAuth } from '../auth/token-auth.ts';
import { TokenWatch } from '../auth/token-watch.ts';
import type { Step } from './lifecycle.ts';

export interface TokenWiring {
  tokens: TokenRepository;
  auth: TokenAuth;
  watch: TokenWatch;
  start: Step;
  stop: Step;
}

/** `botToken` undefined: only stored tokens are accepted (ROLE=edge takes no signals). */
export function wireTokens(orm: MikroORM, o: { botToken: string | undefined; log: Logger; recheckMs?: number | undefined }): TokenWiring {
  const tokens = new TokenRepository(orm);
  const auth = new TokenAuth(o.botToken, (hash) => tokens.findByHash(hash));
  const watch = new TokenWatch((hashes) => tokens.validHashes(hashes), o.log, o.recheckMs);
  return {
    tokens,
    auth,
    watch,
    start: { name: 'token watch', run: () => watch.start() },
    stop: { name: 'token watch', run: () => watch.stop() },
  };
}
