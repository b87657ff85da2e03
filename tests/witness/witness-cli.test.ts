// `npm run cli -- witness` as a child process against a fake server on another origin: the summary
// line, problems on stderr with the first differing seq, exit codes 0 / 1 / 2, and no database.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../cli/run-cli.ts';
import { waitFor } from '../helpers/sockets.ts';
import { checkpointsOf, makeChain, makeSigner, rehashFrom, startFakeLedgerServer, type FakeLedgerServer } from './fake-ledger-server.ts';

const signer = makeSigner();
let dir: string;
let srv: FakeLedgerServer;
// No database: a URL that cannot connect would fail any command that opened one.
const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'witness-cli-'));
  const rows = makeChain(1500);
  srv = await startFakeLedgerServer({ rows, checkpoints: checkpointsOf(rows, signer, 500), key: signer.key });
});
afterAll(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
});

describe('witness CLI', () => {
  it('passes a clean chain, then fails naming the seq of a rewrite, and refuses bad usage', async () => {
    const state = path.join(dir, 'state.json');
    const first = await runCli(['witness', `${srv.url}/`, '--state', state], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^witness http:\/\/127\.0\.0\.1:\d+: 1500 rows checked, 1500 new, head seq 1500, 4 checkpoints held \(4 new\) — OK/);

    srv.rows = rehashFrom(
      srv.rows.map((r) => (r.seq === 700 ? { ...r, at: '2026-12-02T00:00:00.000Z' } : r)),
      700,
    );
    const second = await runCli(['witness', srv.url, '--state', state], env);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('PROBLEM: 3 found, first differing seq 700');
    expect(second.stderr.split('\n')[0]).toMatch(/^rewritten at seq 700: /);

    const usage = await runCli(['witness', '--state', state], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('witness needs the server URL');
    expect((await runCli(['witness', 'ftp://x', '--state', state], env)).code).toBe(2);
    expect((await runCli(['witness', srv.url, '--state', state, '--watch', '0'], env)).code).toBe(2);
  });
});

/** `witness … --watch` as a child: its stdout lines so far, and its exit code once it exits. */
function watch(args: string[]): { lines: string[]; stderr: string[]; exited: Promise<number | null>; kill(sig: NodeJS.Signals): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (c: Buffer) =>
    lines.push(
      ...c
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ),
  );
  child.stderr.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  return { lines, stderr, exited: new Promise((r) => child.once('exit', (code) => r(code))), kill: (sig) => child.kill(sig) };
}

describe('witness --watch', () => {
  beforeEach(() => {
    srv.rows = makeChain(1500);
    srv.checkpoints = checkpointsOf(srv.rows, signer, 500);
  });

  it('runs again every interval, reads only the growth, and stops on SIGTERM with exit 0', async () => {
    const w = watch(['witness', srv.url, '--state', path.join(dir, 'watch.json'), '--watch', '0.2']);
    await waitFor(() => w.lines.length >= 2, 20_000, 'two watch runs');
    srv.rows = makeChain(srv.rows.length + 250, srv.rows);
    await waitFor(() => w.lines.some((l) => l.includes('251 rows checked, 250 new')), 10_000, 'a run that sees the growth');
    w.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.stderr.join('')).toBe('');
  });

  it('exits 1 at the first problem', async () => {
    const w = watch(['witness', srv.url, '--state', path.join(dir, 'watch-2.json'), '--watch', '0.2']);
    await waitFor(() => w.lines.length >= 1, 20_000, 'a first watch run');
    srv.rows = srv.rows.slice(0, srv.rows.length - 5);
    expect(await w.exited).toBe(1);
    expect(w.stderr.join('')).toMatch(/^truncated at seq \d+: /);
  });
});
