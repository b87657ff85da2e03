// token:create → a bot connects with it; token:list shows it; token:revoke → the server refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdmin } from '../../server/persistence/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { runCli } from './run-cli.ts';

const SIGNAL = { external_id: 'cli-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 };

describe('token CLI', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
    const migrated = await runCli(['migrate'], env);
    expect(migrated, migrated.stderr).toMatchObject({ code: 0 });
    expect(migrated.stdout).toMatch(/Applied \d+ migrations?/);
    server = await startTestServer({}, { db, app: { tokenRecheckMs: 500 } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const postSignal = (token: string, body: object) =>
    fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('migrate again is a no-op', async () => {
    const r = await runCli(['migrate'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Up to date \(\d+ migrations? applied\)/);
  });

  it('create → list → revoke: a revoked bot token is refused on /bot and POST /api/signals', async () => {
    const created = await runCli(['token:create', '--kind', 'bot', '--name', 'alpha-bot'], env);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^pb_bot_[\w-]{20,}$/);
    expect(created.stderr).toMatch(/Created bot token #\d+ "alpha-bot"/);

    const bot = connectBot(server.url, secret);
    await connected(bot);
    expect((await postSignal(secret, SIGNAL)).status).toBe(201);
    const dropped = new Promise<string>((r) => bot.once('disconnect', r));

    const listed = await runCli(['token:list'], env);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes('alpha-bot'))!;
    const id = line.trim().split(/\s+/)[0]!;
    expect(line).toMatch(/^\d+\s+bot\s+alpha-bot\s+\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(listed.stdout).not.toContain(secret);

    const revoked = await runCli(['token:revoke', '--id', id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/Revoked 1 token with id/);
    // The bot that was connected with it is disconnected by the server's revocation check.
    expect(await dropped).toBe('io server disconnect');
    bot.close();

    const refused = connectBot(server.url, secret);
    await expect(connected(refused)).rejects.toThrow('unauthorized');
    refused.close();
    expect((await postSignal(secret, { ...SIGNAL, external_id: 'cli-2' })).status).toBe(401);

    const after = await runCli(['token:list'], env);
    expect(after.stdout.split('\n').find((l) => l.includes('alpha-bot'))).toMatch(/Z\s+\d{4}-\d\d-\d\dT[\d:.]+Z$/);

    const again = await runCli(['token:revoke', '--id', id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active token with id/);
  });

  it('revoke --name revokes every active token of that bot', async () => {
    const a = (await runCli(['token:create', '--kind', 'bot', '--name', 'rotating'], env)).stdout.trim();
    const b = (await runCli(['token:create', '--kind', 'bot', '--name', 'rotating'], env)).stdout.trim();
    const r = await runCli(['token:revoke', '--name', 'rotating'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Revoked 2 tokens/);
    for (const t of [a, b]) expect((await postSignal(t, { ...SIGNAL, external_id: `rot-${t.slice(-4)}` })).status).toBe(401);
  });

  it('user tokens need an existing user', async () => {
    const missing = await runCli(['token:create', '--kind', 'user', '--name', 'phone', '--user', 'nobody'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user named "nobody"/);

    await withAdmin(db.url, (k) => k.raw(`insert into users (username, password_hash) values ('alice', 'x')`));
    const ok = await runCli(['token:create', '--kind', 'user', '--name', 'phone', '--user', 'alice'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^pb_user_/);
    expect(ok.stderr).toMatch(/for user alice/);
    // A user token is no bot credential.
    expect((await postSignal(ok.stdout.trim(), { ...SIGNAL, external_id: 'u-1' })).status).toBe(401);
  });

  it('usage errors exit 2 with a message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['token:create', '--name', 'x'], /needs --kind/],
      [['token:create', '--kind', 'robot', '--name', 'x'], /--kind must be one of bot, user/],
      [['token:create', '--kind', 'user', '--name', 'x'], /needs --user/],
      [['token:create', '--kind', 'bot', '--name', 'has space'], /--name must be/],
      [['token:revoke', '--id', '1', '--name', 'x'], /exactly one of --id N or --name NAME/],
      [['token:revoke', '--id', 'abc'], /--id must be a positive integer/],
      [['token:list', '--verbose', 'yes'], /unknown option --verbose/],
      [['token:list', 'stray'], /unexpected argument "stray"/],
      [['nope'], /unknown command "nope"/],
      [[], /Usage: npm run cli/],
    ];
    // A few at a time: each is a Node process, and the machine may be running other test files.
    const results: Awaited<ReturnType<typeof runCli>>[] = [];
    for (let i = 0; i < cases.length; i += 3) results.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => runCli(args, env)))));
    cases.forEach(([args, message], i) => {
      expect({ args, code: results[i]!.code }).toEqual({ args, code: 2 });
      expect(results[i]!.stderr).toMatch(message);
    });
    const help = await runCli(['help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/trades:import --in FILE/);
  });

  it('a bad configuration is a usage error; an unreachable database a failure', async () => {
    const bad = await runCli(['token:list'], { DATABASE_URL: 'mysql://x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    const down = await runCli(['token:list'], { DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^token:list failed: /);
  });
});
