// Issue 16 item 1: the embedded PostgreSQL never outlives its server. A real `npm start` process on
// an embedded database is killed with SIGKILL (no handler of ours runs), and a process that ties its
// embedded server and leaves through process.exit(1) without stopping it (a fatal error's path);
// each time its postgres must be gone shortly after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../server/persistence/database.ts';
import { postmasterPid } from '../../server/persistence/postgres-lifeline.ts';

let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'paperbook-lifeline-'));
  await chmod(dataDir, 0o755); // the `postgres` system user (when running as root) must reach it
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const pid = postmasterPid(path.join(dataDir, 'pg'));
  if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGINT'); // only if the test failed
  await new Promise((r) => setTimeout(r, 1000));
  await rm(dataDir, { recursive: true, force: true });
});

async function startOnEmbedded(): Promise<{ child: ChildProcess; pgPid: number; out: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', PRICE_FEED: 'bot', DEMO_BOT: 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await until(
    () => /live at http/.test(out),
    90_000,
    () => `server did not start:\n${out}`,
  );
  const pgPid = postmasterPid(path.join(dataDir, 'pg'));
  if (pgPid === null || !isAlive(pgPid)) throw new Error(`no running embedded postgres:\n${out}`);
  return { child, pgPid, out: () => out };
}

async function until(pred: () => boolean, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(what());
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('embedded PostgreSQL lifetime', () => {
  it('SIGKILL of the server: its postgres stops within 15 s (the watchdog)', async () => {
    const { child, pgPid } = await startOnEmbedded();
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    await until(
      () => !isAlive(pgPid),
      15_000,
      () => `postgres ${pgPid} still running 15 s after its server was SIGKILLed`,
    );
  }, 120_000);

  it('process.exit without a stop: its postgres stops too', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/server/fixtures/embedded-then-exit.ts', path.join(dataDir, 'pg')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const pgPid = Number(/postgres (\d+)/.exec(out)?.[1]);
    expect(code, out).toBe(1);
    expect(pgPid, out).toBeGreaterThan(0);
    await until(
      () => !isAlive(pgPid),
      15_000,
      () => `postgres ${pgPid} still running after its process exited:\n${out}`,
    );
  }, 120_000);

  it('a start that fails after the database came up (port in use): exit 1, and its postgres stops', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: '',
          DATA_DIR: dataDir,
          PORT: String(port),
          HOST: '127.0.0.1',
          PRICE_FEED: 'bot',
          DEMO_BOT: 'off',
          LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/cannot listen/);
    } finally {
      blocker.close();
    }
    // The data directory's postgres (if its pid file survived) is not running.
    const pid = postmasterPid(path.join(dataDir, 'pg'));
    if (pid !== null)
      await until(
        () => !isAlive(pid),
        15_000,
        () => `postgres ${pid} still running after a failed start`,
      );
  }, 120_000);

  it('a restart on the same data directory works (clean stop, no stale lock) and a graceful SIGTERM leaves nothing behind', async () => {
    const { child, pgPid, out } = await startOnEmbedded();
    // The signal too: a process that dies of one during shutdown (a native crash) exits with code null.
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    const { code, signal } = await exit;
    expect(code, `exit signal ${signal}; output:\n${out()}`).toBe(0);
    await until(
      () => !isAlive(pgPid),
      15_000,
      () => `postgres ${pgPid} still running after a graceful stop`,
    );
  }, 120_000);
});
