// The README's two commands from a checkout inside a fresh 0700 directory, as people clone it (root's
// home, a `mktemp -d` folder). As root, PostgreSQL runs as the `postgres` account, which cannot
// enter such a directory: before the fix `npm start` died with an unhandled `spawn … initdb EACCES`.
// Here `npm start` must stream a trade on /public, stop on SIGTERM, and start again on the same data;
// and the test set-up's embedded server must start from the copy (what `npm test` runs first).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPublic, Recorder } from '../helpers/sockets.ts';
import { processesUsing } from '../helpers/processes.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import type { SnapshotJson } from '../../shared/protocol-types.ts';

const run = promisify(execFile);
const ENTRIES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'mikro-orm.config.ts',
  'vitest.config.ts',
  'server',
  'shared',
  'web',
  'scripts',
  'tests',
];

let home = '';
let checkout = '';
const started: ChildProcess[] = [];

/** A copy of the checkout in a fresh 0700 directory; node_modules hard-linked (same inodes, same modes). */
async function copyCheckout(): Promise<void> {
  home = await mkdtemp(path.join(tmpdir(), 'paperbook-private-'));
  expect((await stat(home)).mode & 0o777).toBe(0o700);
  checkout = path.join(home, 'paperbook');
  await run('mkdir', [checkout]);
  await run('cp', ['-a', ...ENTRIES.map((e) => path.join(REPO_ROOT, e)), checkout]);
  const modules = realpathSync(path.join(REPO_ROOT, 'node_modules')); // a worktree may symlink it
  await run('cp', ['-al', modules, path.join(checkout, 'node_modules')]).catch(() => run('cp', ['-a', modules, path.join(checkout, 'node_modules')]));
}

/** Where the cluster is: DATA_DIR/pg, or (root in a private directory) what pg.location records. */
async function clusterDir(): Promise<string> {
  const location = path.join(checkout, '.data', 'pg.location');
  if (!existsSync(location)) return path.join(checkout, '.data', 'pg');
  return (JSON.parse(await readFile(location, 'utf8')) as { cluster: string }).cluster;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

/** `npm start` exactly as the README gives it, with only a free port chosen. */
async function npmStart(): Promise<Started> {
  const env: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  for (const k of ['DATABASE_URL', 'DATA_DIR', 'PRICE_FEED', 'DEMO_BOT', 'BOT_TOKEN', 'CI']) delete env[k];
  const child = spawn('npm', ['start'], { cwd: checkout, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-100_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 150 s:\n${output.slice(-4000)}`)), 150_000);
    child.stdout!.on('data', () => {
      const m = /Paperbook is live at (http:\/\/\S+)\/bot-performance/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with ${code} before printing the URL:\n${output.slice(-4000)}`))));
  });
  return { child, output: () => output, url };
}

/** SIGTERM to the server (npm passes its exit code on), as a process manager stops it. */
async function stop(s: Started): Promise<void> {
  const exit = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  const servers = [];
  for (const pid of await processesUsing('server/main.ts')) {
    const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
    if (path.basename(argv0) === 'node' && (await readlink(`/proc/${pid}/cwd`).catch(() => '')) === checkout) servers.push(pid);
  }
  expect(servers).toHaveLength(1);
  process.kill(servers[0]!, 'SIGTERM');
  expect(await exit, s.output().slice(-4000)).toBe(0);
}

async function firstSnapshotWithTrade(url: string): Promise<SnapshotJson> {
  const viewer = new Recorder(connectPublic(url));
  try {
    await viewer.until(() => viewer.snapshots.length > 0, 10_000, 'snapshot');
    if (viewer.snapshots[0]!.open_positions.length === 0 && viewer.snapshots[0]!.recent_closed.length === 0) {
      await viewer.until(() => viewer.events().some((e) => e.type === 'opened'), 60_000, 'an opened trade on /public');
    }
    viewer.socket.emit('resync');
    await viewer.until(() => viewer.snapshots.length > 1, 10_000, 'a fresh snapshot');
    return viewer.snapshots.at(-1)!;
  } finally {
    viewer.socket.close();
  }
}

describe(`the README's commands from a 0700 directory (as ${userInfo().username})`, () => {
  beforeAll(copyCheckout, 180_000);

  afterAll(async () => {
    // Only if a test failed midway: npm and the server it started (their own process group).
    for (const c of started) {
      try {
        if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (!checkout) return;
    const cluster = await clusterDir().catch(() => '');
    for (const pid of cluster ? await processesUsing(cluster) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (cluster && !cluster.startsWith(home)) await rm(cluster, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('npm start streams a trade, stops, and starts again on the same data', { timeout: 400_000 }, async () => {
    const first = await npmStart();
    let snapshot: SnapshotJson;
    try {
      snapshot = await firstSnapshotWithTrade(first.url);
    } finally {
      await stop(first);
    }
    const cluster = await clusterDir();
    expect(await processesUsing(cluster)).toEqual([]);
    const before = snapshot.summary.total_trades;
    expect(before).toBeGreaterThan(0);

    const second = await npmStart();
    try {
      expect(second.output()).not.toMatch(/initialising embedded PostgreSQL/);
      const again = await firstSnapshotWithTrade(second.url);
      // The same database: every trade of the first run is still counted (the demo bot adds more).
      expect(again.summary.total_trades).toBeGreaterThanOrEqual(before);
      const firstIds = [...snapshot.open_positions, ...snapshot.recent_closed].map((t) => t.id);
      const ids = new Set([...again.open_positions, ...again.recent_closed].map((t) => t.id));
      expect(Math.max(...ids)).toBeGreaterThanOrEqual(Math.max(...firstIds));
    } finally {
      await stop(second);
    }
    expect(await processesUsing(cluster)).toEqual([]);
  });

  it("npm test's database set-up starts its embedded server from the copy", { timeout: 180_000 }, async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const k of ['DATABASE_URL', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_OPTIONS']) delete env[k];
    const r = await run('npx', ['vitest', 'run', 'tests/persistence/embedded-database.test.ts'], { cwd: checkout, env, timeout: 170_000 }).catch(
      (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? String(err) }),
    );
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/2 passed, 0 failed/);
  });
});
