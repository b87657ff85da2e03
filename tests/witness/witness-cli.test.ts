// `npm run cli -- witness` as a child process against a fake server on another origin: the summary
// line, problems on stderr with the first differing seq, exit codes 0 / 1 / 2, and no database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
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
