// Accounts over the real server: register/login, validation naming the field, no username oracle,
// rate limits, and 401 for missing, invalid and revoked tokens on REST and /me.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRepository } from '../../server/persistence/token-repository.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, connectMe, handshake, register, TEST_APP_OPTIONS } from './user-client.ts';

let server: TestServer;
let limited: TestServer;
let orm: MikroORM;

beforeAll(async () => {
  server = await startTestServer({}, { app: TEST_APP_OPTIONS });
  limited = await startTestServer(
    {},
    {
      app: {
        ...TEST_APP_OPTIONS,
        authLimits: { ...TEST_APP_OPTIONS.authLimits!, loginsPerIpPerMinute: 1000, failuresPerSource: 3, registrationsPerIpPerHour: 4 },
      },
    },
  );
  await register(limited.url, 'dave', 'dave-password'); // uses 1 of the 4 registrations
  orm = await initOrm(server.db.url, { migrate: false });
});
afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
  await limited?.stop();
});

describe('register', () => {
  it('creates an account and returns a working token; the stored hash is scrypt with its parameters', async () => {
    const r = await call(server.url, 'POST', '/api/auth/register', { body: { username: 'alice_1', password: 'longenough' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ token: expect.any(String), username: 'alice_1', user_id: expect.any(Number) });
    expect((await call(server.url, 'GET', '/api/paper-trades', { token: r.body.token })).status).toBe(200);
    const [row] = await orm.em.fork().getConnection().execute<Array<{ password_hash: string }>>(`select password_hash from users where username = 'alice_1'`);
    expect(row!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row!.password_hash).not.toContain('longenough');
    const [tok] = await orm.em.fork().getConnection().execute<Array<{ token_hash: string }>>(`select token_hash from api_tokens where name = 'alice_1'`);
    expect(tok!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tok!.token_hash).not.toBe(r.body.token);
  });

  it('a taken username is 409 CONFLICT naming the field', async () => {
    await register(server.url, 'taken.name');
    const r = await call(server.url, 'POST', '/api/auth/register', { body: { username: 'taken.name', password: 'another-pass' } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'CONFLICT', field: 'username' });
  });

  it.each([
    [{ password: 'longenough' }, 'username'],
    [{ username: 'ab', password: 'longenough' }, 'username'],
    [{ username: 'has space', password: 'longenough' }, 'username'],
    [{ username: 'x'.repeat(33), password: 'longenough' }, 'username'],
    [{ username: 'bob' }, 'password'],
    [{ username: 'bob', password: 'short' }, 'password'],
    [{ username: 'bob', password: 12345678 }, 'password'],
  ])('rejects %j naming %s', async (body, field) => {
    const r = await call(server.url, 'POST', '/api/auth/register', { body });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect(r.body.error.message).toContain(field);
  });

  it('a body that is not JSON is a 400, not a 500', async () => {
    const r = await call(server.url, 'POST', '/api/auth/register', { raw: '{nope' });
    expect(r.status).toBe(400);
  });

  it('registrations are rate-limited per address (4 an hour here, one used by setup)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await call(limited.url, 'POST', '/api/auth/register', { body: { username: `reg${i}`, password: 'longenough' } })).status);
    expect(codes.slice(0, 3)).toEqual([201, 201, 201]);
    expect(codes.slice(3)).toEqual([429, 429]);
  });
});

describe('login', () => {
  beforeAll(async () => {
    await register(server.url, 'carol', 'carol-password');
  });

  it('returns a fresh token for the right password', async () => {
    const r = await call(server.url, 'POST', '/api/auth/login', { body: { username: 'carol', password: 'carol-password' } });
    expect(r.status).toBe(200);
    expect(r.body.token).toEqual(expect.any(String));
    expect((await call(server.url, 'GET', '/api/paper-trades', { token: r.body.token })).status).toBe(200);
  });

  it('does not reveal whether a username exists: same status, body and similar time', async () => {
    const wrong = await call(server.url, 'POST', '/api/auth/login', { body: { username: 'carol', password: 'not-her-password' } });
    const missing = await call(server.url, 'POST', '/api/auth/login', { body: { username: 'nobody_here', password: 'not-her-password' } });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    const time = async (username: string) => {
      const t0 = performance.now();
      await call(server.url, 'POST', '/api/auth/login', { body: { username, password: 'not-her-password' } });
      return performance.now() - t0;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 7; i++) {
      a.push(await time('carol'));
      b.push(await time('nobody_here'));
    }
    // A missing user still costs a full scrypt derivation (tens of ms), never a quick "no such row".
    expect(median(b)).toBeGreaterThan(median(a) * 0.5);
    expect(median(b)).toBeLessThan(median(a) * 2);
  });

  it('throttles a username after repeated failures from one address, existing or not, with the same answer', async () => {
    for (const username of ['dave', 'ghost']) {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await call(limited.url, 'POST', '/api/auth/login', { body: { username, password: 'wrong-password' } })).status);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    }
    // Refused even with the right password from this address until its delay passes (other
    // addresses are not: tests/users/login-lockout.test.ts).
    const r = await call(limited.url, 'POST', '/api/auth/login', { body: { username: 'dave', password: 'dave-password' } });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('tokens', () => {
  it('missing, invalid, bot and revoked tokens are 401 UNAUTHORIZED on every user route', async () => {
    const { token } = await register(server.url, 'erin');
    const repo = new TokenRepository(orm);
    const revokedToken = (await call(server.url, 'POST', '/api/auth/login', { body: { username: 'erin', password: 'correct horse' } })).body.token;
    expect(await repo.revoke({ token: revokedToken })).toBe(1);
    const bad = [undefined, 'garbage-token-value', server.botToken, revokedToken];
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/paper-trades'],
      ['POST', '/api/paper-trades', { symbol: 'BTCUSDT', direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 }],
      ['GET', '/api/paper-trades/1'],
      ['POST', '/api/paper-trades/1/close'],
    ];
    for (const t of bad) {
      for (const [method, path, body] of routes) {
        const r = await call(server.url, method, path, { ...(t === undefined ? {} : { token: t }), ...(body ? { body } : {}) });
        expect(r.status, `${method} ${path} with ${t}`).toBe(401);
        expect(r.body.error.code).toBe('UNAUTHORIZED');
      }
    }
    // The unrevoked token still works.
    expect((await call(server.url, 'GET', '/api/paper-trades', { token })).status).toBe(200);
  });

  it('/me refuses missing, invalid, bot and revoked tokens with connect_error unauthorized', async () => {
    const { token } = await register(server.url, 'frank');
    const second = (await call(server.url, 'POST', '/api/auth/login', { body: { username: 'frank', password: 'correct horse' } })).body.token;
    await new TokenRepository(orm).revoke({ token: second });
    for (const t of [undefined, 'garbage-token-value', server.botToken, second, 42]) {
      const s = connectMe(server.url, t);
      expect(await handshake(s)).toBe('unauthorized');
      s.close();
    }
    const ok = connectMe(server.url, token);
    expect(await handshake(ok)).toBe('connected');
    ok.close();
  });

  it('logout revokes the token: REST 401, and an open /me socket is disconnected at once', async () => {
    const { token } = await register(server.url, 'gina');
    const other = (await call(server.url, 'POST', '/api/auth/login', { body: { username: 'gina', password: 'correct horse' } })).body.token;
    const me = connectMe(server.url, token);
    expect(await handshake(me)).toBe('connected');
    const dropped = new Promise<string>((r) => me.once('disconnect', r));
    expect((await call(server.url, 'POST', '/api/auth/logout', { token })).body).toEqual({ ok: true });
    expect(await dropped).toBe('io server disconnect');
    expect((await call(server.url, 'GET', '/api/paper-trades', { token })).status).toBe(401);
    const again = await call(server.url, 'POST', '/api/auth/logout', { token });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('UNAUTHORIZED');
    // Only that session ends: the user's other token still works.
    expect((await call(server.url, 'GET', '/api/paper-trades', { token: other })).status).toBe(200);
    me.close();
  });

  it('a token revoked elsewhere (CLI, another process) disconnects its open /me socket within the recheck', async () => {
    const { token } = await register(server.url, 'hank');
    const me = connectMe(server.url, token);
    expect(await handshake(me)).toBe('connected');
    const dropped = new Promise<string>((r) => me.once('disconnect', r));
    await new TokenRepository(orm).revoke({ token });
    expect(await dropped).toBe('io server disconnect');
    me.close();
  });
});
