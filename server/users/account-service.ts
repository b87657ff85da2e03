// Accounts: register and log in, returning a bearer token (stored only as a hash). Login answers the
// same way, in about the same time, whether or not the username exists, and is rate-limited.
// Failed logins slow the (username, source) that failed, never the account itself (login-throttle.ts).
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { credentialsSchema, loginSchema } from '../../shared/manual-trade-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import { RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { UserRecord } from '../persistence/user-repository.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { LoginThrottle, type LoginThrottleLimits } from './login-throttle.ts';
import { sourceKey } from './source-key.ts';

export interface UserStorePort {
  create(username: string, passwordHash: string): Promise<UserRecord>;
  findByUsername(username: string): Promise<UserRecord | null>;
}

export interface TokenIssuer {
  issue(kind: 'user', name: string, userId: number): Promise<{ token: string }>;
}

export interface AuthLimits extends Partial<Omit<LoginThrottleLimits, 'failuresPerUsername'>> {
  /** Login attempts per client IP per minute. */
  loginsPerIpPerMinute: number;
  /**
   * Failed logins per username (from all sources) per 15 minutes above which every source gets a
   * single free try before its backoff starts. It slows guessing; it never locks the username.
   */
  failuresPerUsername: number;
  /** Registrations per client IP per hour. */
  registrationsPerIpPerHour: number;
}

export const DEFAULT_AUTH_LIMITS: Required<AuthLimits> = {
  loginsPerIpPerMinute: 30,
  failuresPerUsername: 50,
  registrationsPerIpPerHour: 20,
  failuresPerSource: 5,
  backoffBaseMs: 1_000,
  backoffMaxMs: 15 * 60_000,
  failuresPerIpPerHour: 100,
};

export const BAD_CREDENTIALS = 'wrong username or password';

export interface Session {
  token: string;
  user_id: number;
  username: string;
}

export class AccountService {
  private loginIp: RateLimiterMemory;
  private throttle: LoginThrottle;
  private registerIp: RateLimiterMemory;

  constructor(
    private users: UserStorePort,
    private tokens: TokenIssuer,
    private hasher: PasswordHasher,
    given: AuthLimits = DEFAULT_AUTH_LIMITS,
    private now: () => number = Date.now,
  ) {
    const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    const limits: Required<AuthLimits> = { ...DEFAULT_AUTH_LIMITS, ...set };
    this.loginIp = new RateLimiterMemory({ keyPrefix: 'login-ip', points: limits.loginsPerIpPerMinute, duration: 60 });
    this.throttle = new LoginThrottle(limits);
    this.registerIp = new RateLimiterMemory({ keyPrefix: 'register-ip', points: limits.registrationsPerIpPerHour, duration: 3600 });
  }

  async register(payload: unknown, ip: string): Promise<Session> {
    const parsed = parseWith(credentialsSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    await consume(this.registerIp, sourceKey(ip), 'too many registrations from this address; retry later');
    const { username, password } = parsed.value;
    const user = await this.users.create(username, await this.hasher.hash(password));
    return this.session(user);
  }

  async login(payload: unknown, ip: string): Promise<Session> {
    const parsed = parseWith(loginSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const { username, password } = parsed.value;
    const source = sourceKey(ip);
    await consume(this.loginIp, source, 'too many login attempts from this address; retry later');
    // Refused before any lookup or hashing, on the username as typed: existing or not, the answer
    // (and its time) is the same. Admitted attempts count as failures until they succeed.
    const refusal = this.throttle.attempt(username, source, this.now());
    if (refusal) {
      const wait = `retry in ${Math.ceil(refusal.retryAfterMs / 1000)} s`;
      throw new RateLimitedError(
        refusal.reason === 'source'
          ? `too many failed logins from this address; ${wait}`
          : `too many failed logins for this username from this address; ${wait}`,
      );
    }
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = await this.users.findByUsername(username);
      ok = await this.hasher.verify(password, user?.passwordHash ?? null);
    } catch (err) {
      this.throttle.released(username, source, this.now()); // unchecked (store down): not a failure
      throw err;
    }
    if (!ok || !user) throw new UnauthorizedError(BAD_CREDENTIALS);
    this.throttle.succeeded(username, source, this.now());
    return this.session(user);
  }

  private async session(user: UserRecord): Promise<Session> {
    const { token } = await this.tokens.issue('user', user.username, user.id);
    return { token, user_id: user.id, username: user.username };
  }
}

async function consume(limiter: RateLimiterMemory, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof Error) throw err;
    throw new RateLimitedError(message);
  }
}
