// api_tokens and users: look-ups by token hash for auth, and the writes the operator CLI needs.
import type { MikroORM } from '@mikro-orm/postgresql';
import { SqlRunner } from './sql-runner.ts';

export interface TokenIdentityRow {
  kind: 'bot' | 'user';
  /** Bot name (the signal `source`) or username. */
  name: string;
  userId: number | null;
  env: false;
}

export class TokenRepository {
  private readonly db: SqlRunner;

  constructor(orm: MikroORM) {
    this.db = new SqlRunner(orm);
  }

  /** The identity behind an unrevoked token hash (sha256 hex), or null. */
  async findByHash(tokenHash: string): Promise<TokenIdentityRow | null> {
    const rows = await this.db.query(
      `select t.kind, t.name, t.user_id, u.username from api_tokens t left join users u on u.id = t.user_id
       where t.token_hash = ? and t.revoked_at is null`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    const kind = r.kind as 'bot' | 'user';
    const userId = r.user_id === null ? null : Number(r.user_id);
    return { kind, name: kind === 'user' && r.username ? String(r.username) : String(r.name), userId, env: false };
  }

  async createUser(username: string, passwordHash: string): Promise<number> {
    const rows = await this.db.query(`insert into users (username, password_hash) values (?, ?) returning id`, [
      username,
      passwordHash,
    ]);
    return Number(rows[0]!.id);
  }

  async findUserId(username: string): Promise<number | null> {
    const rows = await this.db.query(`select id from users where username = ?`, [username]);
    return rows[0] ? Number(rows[0].id) : null;
  }

  async createToken(t: { kind: 'bot' | 'user'; name: string; userId: number | null; tokenHash: string }): Promise<number> {
    const rows = await this.db.query(
      `insert into api_tokens (kind, name, user_id, token_hash) values (?, ?, ?, ?) returning id`,
      [t.kind, t.name, t.userId, t.tokenHash],
    );
    return Number(rows[0]!.id);
  }

  /** True if the token existed and was not yet revoked. */
  async revokeToken(id: number): Promise<boolean> {
    const rows = await this.db.query(`update api_tokens set revoked_at = now() where id = ? and revoked_at is null returning id`, [id]);
    return rows.length === 1;
  }
}
