// Accounts: register and log in, returning a bearer token (stored only as a hash). Login answers the
// same way, in about the same time, whether or not the username exists, and is rate-limited.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { credentialsSchema, loginSchema } from '../../shared/manual-trade-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import { RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { UserRecord } from '../persistence/user-repository.ts';
import type { PasswordHasher } from './password-hasher.ts';

export interface UserStorePort {
  create(username: string, passwordHash: string): Promise<UserRecord>;
  findByUsername(username: string): Promise<UserRecord | null>;
}

export interface TokenIssuer {
  issue(kind: 'user', name: string, userId: number): Promise<{ token: string }>;
}

export interface AuthLimits {
  /** Login attempts per client IP per minute. */
  loginsPerIpPerMinute: number;
  /** Failed logins per username per 15 minutes before it is locked for the rest of the window. */
  failuresPerUsername: number;
  /** Registrations per client IP per hour. */
  registrationsPerIpPerHour: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = { loginsPerIpPerMinute: 30, failuresPerUsername: 10, registrationsPerIpPerHour: 20 };

export const BAD_CREDENTIALS = 'wrong username or password';

export interface Session {
  token: string;
  user_id: number;
  username: string;
}

export class AccountService {
  private loginIp: RateLimiterMemory;
  private failures: RateLimiterMemory;
  private registerIp: RateLimiterMemory;

  constructor(
    private users: UserStorePort,
    private tokens: TokenIssuer,
    private hasher: PasswordHasher,
    private limits: AuthLimits = DEFAULT_AUTH_LIMITS,
  ) {
    this.loginIp = new RateLimiterMemory({ keyPrefix: 'login-ip', points: limits.loginsPerIpPerMinute, duration: 60 });
    this.failures = new RateLimiterMemory({ keyPrefix: 'login-user', points: limits.failuresPerUsername, duration: 15 * 60 });
    this.registerIp = new RateLimiterMemory({ keyPrefix: 'register-ip', points: limits.registrationsPerIpPerHour, duration: 3600 });
  }

  async register(payload: unknown, ip: string): Promise<Session> {
    const parsed = parseWith(credentialsSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    await consume(this.registerIp, ip, 'too many registrations from this address; retry later');
    const { username, password } = parsed.value;
    const user = await this.users.create(username, await this.hasher.hash(password));
    return this.session(user);
  }

  async login(payload: unknown, ip: string): Promise<Session> {
    const parsed = parseWith(loginSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const { username, password } = parsed.value;
    await consume(this.loginIp, ip, 'too many login attempts from this address; retry later');
    // Locked usernames are refused before any hashing; existing or not, the answer is the same.
    const failed = await this.failures.get(username);
    if (failed && failed.consumedPoints >= this.limits.failuresPerUsername) {
      throw new RateLimitedError(`too many failed logins for this username; retry in ${Math.ceil(failed.msBeforeNext / 1000)} s`);
    }
    const user = await this.users.findByUsername(username);
    const ok = await this.hasher.verify(password, user?.passwordHash ?? null);
    if (!ok || !user) {
      await this.failures.penalty(username, 1);
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    await this.failures.delete(username);
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
