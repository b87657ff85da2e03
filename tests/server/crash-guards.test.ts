// Issue 16 item 1: an exception nobody caught is logged and the server keeps serving (main.ts,
// server/ops/crash-guards.ts). A real `npm start` process gets an uncaught exception and an unhandled
// rejection injected (tests/server/fixtures/throw-on-sigusr2.ts) and must still answer afterwards.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

let db: TestDatabase;
afterAll(async () => {
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

describe('process crash guards', () => {
  it('an uncaught exception and an unhandled rejection are logged; the server keeps answering', async () => {
    db = await createTestDatabase();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './tests/server/fixtures/throw-on-sigusr2.ts', 'server/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: '0',
        HOST: '127.0.0.1',
        PRICE_FEED: 'bot',
        BOT_TOKEN: 'crash-guard-token',
        LOG_LEVEL: 'warn',
        DEMO_BOT: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((r) => child.on('exit', (c) => ((exitCode = c), r())));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
        const poll = setInterval(() => {
          const m = /live at (http:\/\/[^/\s]+)/.exec(out);
          if (m) {
            clearInterval(poll);
            clearTimeout(t);
            resolve(m[1]!.replace('localhost', '127.0.0.1'));
          }
        }, 20);
      });
      child.kill('SIGUSR2');
      const end = Date.now() + 10_000;
      while (!(/injected exception/.test(out) && /injected rejection/.test(out)) && Date.now() < end && exitCode === undefined) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(exitCode, `the server died:\n${out}`).toBeUndefined();
      expect(out).toMatch(/uncaught exception: logged, server kept running/);
      expect(out).toMatch(/unhandled promise rejection: logged, server kept running/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`${url}/api/public/paper-trading/`)).status).toBe(200);
    } finally {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
