// The witness offline against a `ledger:export` JSONL file, with checkpoints saved from the server
// or those its state already holds, and the state file's round trip.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../server/ledger/ledger-chain.ts';
import { ExportLedgerSource } from '../../server/witness/export-source.ts';
import { HttpLedgerSource } from '../../server/witness/http-source.ts';
import { runWitness } from '../../server/witness/witness-run.ts';
import { loadState, saveState } from '../../server/witness/witness-state.ts';
import { checkpointsOf, makeChain, makeSigner, rehashFrom, startFakeLedgerServer } from './fake-ledger-server.ts';

const signer = makeSigner();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'witness-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportFile(name: string, rows: LedgerRecord[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

describe('witness offline', () => {
  it('checks an export with saved checkpoints and key, then catches the export rebuilt from an edited row', async () => {
    const rows = makeChain(1800);
    const saved = path.join(dir, 'checkpoints.json');
    await writeFile(saved, JSON.stringify({ key: signer.key, next_after: null, results: checkpointsOf(rows, signer, 400) }));
    const first = await runWitness(new ExportLedgerSource(await exportFile('a.jsonl', rows), saved), null);
    expect(first.report).toMatchObject({ ok: true, rowsChecked: 1800, checkpointsHeld: 5 });
    expect(first.state!.key?.fingerprint).toBe(signer.key.fingerprint);

    const edited = rehashFrom(
      rows.map((r) => (r.seq === 321 ? { ...r, event: { ...r.event, signal_id: 9 } } : r)),
      321,
    );
    const second = await runWitness(new ExportLedgerSource(await exportFile('b.jsonl', edited)), first.state);
    expect(second.report.firstDifferingSeq).toBe(321);
    expect(second.report.problems.map((p) => `${p.kind}@${p.seq}`)).toEqual([
      'rewritten@321',
      'checkpoint-mismatch@400',
      'checkpoint-mismatch@800',
      'checkpoint-mismatch@1200',
      'checkpoint-mismatch@1600',
    ]);
  });

  it('checks an export against the checkpoints a run against the server left in the state', async () => {
    const rows = makeChain(1200);
    const srv = await startFakeLedgerServer({ rows, checkpoints: checkpointsOf(rows, signer, 300), key: signer.key });
    const online = await runWitness(new HttpLedgerSource(srv.url), null).finally(() => srv.close());
    const file = path.join(dir, 'state.json');
    await saveState(file, online.state!);

    const grown = makeChain(1500, rows);
    const offline = await runWitness(new ExportLedgerSource(await exportFile('c.jsonl', grown)), await loadState(file));
    expect(offline.report).toMatchObject({ ok: true, newRows: 300, checkpointsHeld: 5 });

    const cut = await runWitness(new ExportLedgerSource(await exportFile('d.jsonl', rows.slice(0, 1195))), await loadState(file));
    expect(cut.report.problems.map((p) => `${p.kind}@${p.seq}`)).toEqual(['truncated@1196']);
  });

  it('refuses checkpoints it has no key for', async () => {
    const rows = makeChain(100);
    const saved = path.join(dir, 'bare.json');
    await writeFile(saved, JSON.stringify(checkpointsOf(rows, signer, 50)));
    const run = await runWitness(new ExportLedgerSource(await exportFile('e.jsonl', rows), saved), null);
    expect(run.report.problems.map((p) => p.kind)).toEqual(['no-key']);
  });

  it('round-trips the state file, one packed hash per row', async () => {
    const rows = makeChain(1000);
    const srv = await startFakeLedgerServer({ rows, checkpoints: checkpointsOf(rows, signer, 250), key: signer.key });
    const { state } = await runWitness(new HttpLedgerSource(srv.url), null).finally(() => srv.close());
    const file = path.join(dir, 'round.json');
    const bytes = await saveState(file, state!);
    expect((await stat(file)).size).toBe(bytes);
    const back = (await loadState(file))!;
    expect(back.rows.seq).toBe(1000);
    for (const seq of [1, 500, 1000]) expect(back.rows.hex(seq)).toBe(rows[seq - 1]!.hash);
    expect(back.checkpoints).toEqual(state!.checkpoints);
    const json = JSON.parse(await readFile(file, 'utf8')) as { row_hashes: string; head_hash: string };
    expect(json.row_hashes.length).toBe(Math.ceil((1000 * 32) / 3) * 4);
    expect(json.head_hash).toBe(rows[999]!.hash);
    expect(await loadState(path.join(dir, 'absent.json'))).toBeNull();
    await writeFile(path.join(dir, 'junk.json'), '{"version":1}');
    await expect(loadState(path.join(dir, 'junk.json'))).rejects.toThrow(/not a witness state file/);
  });
});
