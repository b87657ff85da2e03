// Password hashing with node:crypto scrypt: a random salt per password, the cost parameters stored
// beside the hash (so they can be raised later), constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two ≥ 2^14. */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const MIN_N = 2 ** 14;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Stored form: `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(private params: ScryptParams = DEFAULT_SCRYPT) {
    if (!(params.N >= MIN_N) || (params.N & (params.N - 1)) !== 0) throw new RangeError(`scrypt N must be a power of two ≥ ${MIN_N}`);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.params);
    const { N, r, p } = this.params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /**
   * True when `password` matches `stored`. With `stored` null (no such user) it still derives a key
   * against a dummy hash of the same cost, so a missing user takes as long as a wrong password.
   */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const target = stored ?? (await this.dummyHash());
    const parsed = parse(target);
    if (!parsed) {
      await derive(password, randomBytes(SALT_BYTES), this.params); // same cost for a malformed row
      return false;
    }
    const key = await derive(password, parsed.salt, parsed.params);
    return stored !== null && key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }

  private dummyHash(): Promise<string> {
    return (this.dummy ??= this.hash(randomBytes(18).toString('base64url')));
  }
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((v) => Number.isSafeInteger(v) && v > 0) || N < MIN_N) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}
