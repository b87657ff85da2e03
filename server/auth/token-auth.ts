// Bearer/handshake token checks for bots and users. Tokens are stored only as sha256 hashes.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface TokenIdentity {
  kind: 'bot' | 'user';
  /** Bot name (the signal `source`) or username. */
  name: string;
  userId: number | null;
  /** True for the operator's BOT_TOKEN from the environment: it may name any `source`. */
  env: boolean;
}

export type TokenLookup = (hash: string) => Promise<TokenIdentity | null>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class TokenAuth {
  constructor(
    private envBotToken: string | undefined,
    private lookup: TokenLookup,
  ) {}

  async verify(token: unknown, kind: 'bot' | 'user'): Promise<TokenIdentity | null> {
    if (typeof token !== 'string' || token.length < 8 || token.length > 256) return null;
    if (kind === 'bot' && this.envBotToken && sameSecret(token, this.envBotToken)) {
      return { kind: 'bot', name: 'default', userId: null, env: true };
    }
    const found = await this.lookup(hashToken(token));
    return found && found.kind === kind ? found : null;
  }
}

/** `Authorization: Bearer X` → X. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}
