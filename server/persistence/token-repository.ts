// api_tokens: issue, look up (by sha256 hash) and revoke bot and user tokens.
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TokenIdentity } from '../auth/token-auth.ts';
import { hashToken } from '../auth/token-auth.ts';
import { toStoreError } from './errors.ts';

export interface IssuedToken {
  id: number;
  token: string;
}

export class TokenRepository {
  constructor(private orm: MikroORM) {}

  private async rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return await this.orm.em.fork().getConnection().execute(sql, params, 'all');
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async findByHash(hash: string): Promise<TokenIdentity | null> {
    const [row] = await this.rows(
      `SELECT t.kind, t.name, t.user_id, u.username
         FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      [hash],
    );
    if (!row) return null;
    const kind = row.kind === 'user' ? 'user' : 'bot';
    return {
      kind,
      name: kind === 'user' ? String(row.username ?? row.name) : String(row.name),
      userId: row.user_id === null || row.user_id === undefined ? null : Number(row.user_id),
      env: false,
    };
  }

  /** Of `hashes`, those of tokens that exist and are not revoked (the open-socket revocation check). */
  async validHashes(hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await this.rows(`SELECT token_hash FROM api_tokens WHERE token_hash IN (${hashes.map(() => '?').join(', ')}) AND revoked_at IS NULL`, hashes);
    return new Set(rows.map((r) => String(r.token_hash)));
  }

  /** Creates a token; the secret is returned once and only its hash is stored. */
  async issue(kind: 'bot' | 'user', name: string, userId: number | null = null): Promise<IssuedToken> {
    const token = `pb_${kind}_${randomBytes(24).toString('base64url')}`;
    const [row] = await this.rows(`INSERT INTO api_tokens (kind, name, user_id, token_hash) VALUES (?, ?, ?, ?) RETURNING id`, [
      kind,
      name,
      userId,
      hashToken(token),
    ]);
    return { id: Number(row?.id), token };
  }

  /** Revokes by id or by the secret itself. Returns how many tokens were revoked. */
  async revoke(ref: { id?: number; token?: string; name?: string; kind?: 'bot' | 'user' }): Promise<number> {
    const where: string[] = ['revoked_at IS NULL'];
    const params: unknown[] = [];
    if (ref.id !== undefined) {
      where.push('id = ?');
      params.push(ref.id);
    }
    if (ref.token !== undefined) {
      where.push('token_hash = ?');
      params.push(hashToken(ref.token));
    }
    if (ref.name !== undefined) {
      where.push('name = ?');
      params.push(ref.name);
    }
    if (ref.kind !== undefined) {
      where.push('kind = ?');
      params.push(ref.kind);
    }
    if (params.length === 0) throw new RangeError('revoke needs an id, token or name');
    const rows = await this.rows(`UPDATE api_tokens SET revoked_at = now() WHERE ${where.join(' AND ')} RETURNING id`, params);
    return rows.length;
  }

  async list(): Promise<Array<{ id: number; kind: string; name: string; created_at: string; revoked_at: string | null }>> {
    const rows = await this.rows(`SELECT id, kind, name, created_at, revoked_at FROM api_tokens ORDER BY id`, []);
    return rows.map((r) => ({
      id: Number(r.id),
      kind: String(r.kind),
      name: String(r.name),
      created_at: String(r.created_at),
      revoked_at: r.revoked_at === null ? null : String(r.revoked_at),
    }));
  }
}
