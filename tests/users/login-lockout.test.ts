// Issue 16 item 9: failed logins must not let anyone lock an account. Over the real server, with
// clients on distinct loopback addresses: an attacker hammering a username is slowed on its own
// address, the owner logs in from another at once, a source guessing across usernames runs out of
// budget, and the answers never tell an existing username from a missing one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { postFrom, register, TEST_APP_OPTIONS } from './user-client.ts';

let server: TestServer;
/** The shipped limits (only scrypt made cheaper): the reproduction ran against these. */
let defaults: TestServer;

const LIMITS = {
  ...TEST_APP_OPTIONS.authLimits!,
  failuresPerSource: 3,
  // Long enough that the next request of a test always lands inside it, even on a loaded machine.
  backoffBaseMs: 2_000,
  backoffMaxMs: 60_000,
  failuresPerIpPerHour: 20,
  failuresPerUsername: 12,
};

beforeAll(async () => {
  server = await startTestServer({}, { app: { ...TEST_APP_OPTIONS, authLimits: LIMITS } });
  defaults = await startTestServer({}, { app: { scrypt: TEST_APP_OPTIONS.scrypt! } });
  await register(defaults.url, 'victim', 'victim-password');
  await register(server.url, 'victim', 'victim-password');
  await register(server.url, 'owner2', 'owner2-password');
});
afterAll(async () => {
  await server?.stop();
  await defaults?.stop();
});

const login = (source: string, username: string, password: string, url = server.url) => postFrom(url, source, '/api/auth/login', { username, password });

describe('login throttling by (username, source)', () => {
  it('ten wrong passwords from one address do not lock the owner out of another', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await login('127.0.0.2', 'victim', `guess-${i}-wrong`, defaults.url)).status);
    const owner = await login('127.0.0.3', 'victim', 'victim-password', defaults.url);
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    expect(owner.body.token).toEqual(expect.any(String));
    expect(codes).toEqual([...Array(5).fill(401), ...Array(5).fill(429)]);
    // The attacker's address stays slowed, right password or not, and says for how long.
    const again = await login('127.0.0.2', 'victim', 'victim-password', defaults.url);
    expect(again.status).toBe(429);
    expect(again.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/retry in \d+ s/) });
  });

  it('the backoff lets the next attempt through once its delay has passed', async () => {
    for (let i = 0; i < 3; i++) expect((await login('127.0.0.4', 'victim', 'wrong-password')).status).toBe(401);
    expect((await login('127.0.0.4', 'victim', 'wrong-password')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2_100)); // the first delay is backoffBaseMs
    expect((await login('127.0.0.4', 'victim', 'victim-password')).status).toBe(200);
  });

  it('wrong passwords sent all at once get no more tries than sent one by one', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => login('127.0.0.8', 'owner2', `parallel-${i}-wrong`)));
    const codes = replies.map((r) => r.status).sort();
    expect(codes).toEqual([...Array(3).fill(401), ...Array(17).fill(429)]);
  });

  it('answers are identical for an existing and a missing username while throttled', async () => {
    const seq = async (username: string) => {
      const out: Array<{ status: number; body: unknown }> = [];
      for (let i = 0; i < 5; i++) out.push(await login('127.0.0.5', username, 'wrong-password'));
      return out;
    };
    expect(await seq('no_such_user')).toEqual(await seq('owner2'));
  });

  it('a source guessing across usernames runs out of budget; other sources do not', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await login('127.0.0.6', `stuffed_${i}`, 'password123')).status);
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(codes.slice(20)).toEqual(Array(5).fill(429));
    expect((await login('127.0.0.6', 'owner2', 'owner2-password')).status).toBe(429);
    expect((await login('127.0.0.7', 'owner2', 'owner2-password')).status).toBe(200);
  });

  it('many sources failing on one username shorten each source’s free tries but never lock its owner', async () => {
    await register(server.url, 'popular', 'popular-password');
    for (let s = 10; s < 14; s++) {
      for (let i = 0; i < 3; i++) expect((await login(`127.0.0.${s}`, 'popular', 'wrong-password')).status).toBe(401);
    }
    // 12 failures: the username is hot, so a new source gets one free try, then waits.
    expect((await login('127.0.0.20', 'popular', 'wrong-password')).status).toBe(401);
    expect((await login('127.0.0.20', 'popular', 'wrong-password')).status).toBe(429);
    // The owner, on an address with no failures of its own, gets in at once.
    expect((await login('127.0.0.21', 'popular', 'popular-password')).status).toBe(200);
  });
});
