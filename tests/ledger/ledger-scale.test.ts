// A 10,000-trade record verifies (timed), exports to JSONL and verifies offline, also through
// `npm run cli -- ledger:verify --file`; an edited export line is caught.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { forEachLedgerRecord, verifyLedger } from '../../server/persistence/ledger-reads.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';
import { verifyFile } from '../../server/cli/ledger-commands.ts';
import { runCli } from '../cli/run-cli.ts';
import { record } from './ledger-helpers.ts';

const TRADES = 10_000;
let t: TestStore;
let dir: string;
let file: string;

beforeAll(async () => {
  t = await openTestStore({ feeRate: 0.001 });
  dir = await mkdtemp(path.join(tmpdir(), 'pb-ledger-'));
  file = path.join(dir, 'ledger.jsonl');
  const started = performance.now();
  await record(t.store, TRADES);
  console.log(`replayed ${TRADES} trades (ingest + closes) in ${Math.round(performance.now() - started)} ms`);
}, 300_000);
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`ledger over a ${TRADES}-trade replay`, { timeout: 120_000 }, () => {
  it('verifies against the database (chain, recomputed P/L, rows) and reports the time', async () => {
    const started = performance.now();
    const r = await verifyLedger(new SqlRunner(t.orm));
    const ms = performance.now() - started;
    console.log(`verify over ${TRADES} trades: ${Math.round(ms)} ms`, r);
    expect(r).toMatchObject({ ok: true, trades: TRADES });
  });

  it('exports as JSONL and verifies the file offline, in process and through the CLI', async () => {
    const lines: string[] = [];
    await forEachLedgerRecord(new SqlRunner(t.orm), (r) => void lines.push(JSON.stringify(r)));
    await writeFile(file, lines.join('\n') + '\n');
    const started = performance.now();
    const r = await verifyFile(file);
    console.log(`offline verify of ${lines.length} rows: ${Math.round(performance.now() - started)} ms`);
    expect(r).toMatchObject({ ok: true, verified_through: JSON.parse(lines.at(-1)!).seq });

    const cli = await runCli(['ledger:verify', '--file', file], {});
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(r);
  });

  it('ledger:export writes the same JSONL, and ledger:verify without --file audits the database', async () => {
    const out = path.join(dir, 'cli-export.jsonl');
    const env = { DATABASE_URL: t.db.url };
    const exported = await runCli(['ledger:export', '--out', out], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await readFile(file, 'utf8'));
    const audited = await runCli(['ledger:verify'], env);
    expect(audited.code, audited.stderr).toBe(0);
    expect(JSON.parse(audited.stdout)).toMatchObject({ ok: true, trades: TRADES });
  });

  it('catches an edited line of the export (exit code 1)', async () => {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"trade_closed"'));
    const rec = JSON.parse(lines[i]!);
    rec.event.profit_loss += 0.01;
    lines[i] = JSON.stringify(rec);
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, lines.join('\n'));
    expect(await verifyFile(bad)).toMatchObject({ ok: false, seq: rec.seq, reason: expect.stringMatching(/hash/) });
    const cli = await runCli(['ledger:verify', '--file', bad], {});
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/INCONSISTENT/);
  });
});
