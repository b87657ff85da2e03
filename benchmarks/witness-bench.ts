// P11 (issue 22): the witness's time for a 100,000-row ledger, on its first run (every row fetched,
// hashed and linked, every checkpoint's signature checked, the state written) and on an
// incremental run after 1,000 more rows (the last verified row and the new ones, the state read and
// written again). The ledger is served from a child process (benchmarks/support/ledger-serve-proc.ts)
// with response bodies cached by URL and primed by an untimed run, so its cost is mostly excluded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpLedgerSource } from '../server/witness/http-source.ts';
import { runWitness } from '../server/witness/witness-run.ts';
import { loadState, saveState, type WitnessState } from '../server/witness/witness-state.ts';
import { rowId, type BenchResult } from './row-ids.ts';
import { spawnChild } from './support/child.ts';

export interface WitnessBenchOptions {
  rows?: number;
  more?: number;
}

interface Timed {
  ms: number;
  rowsChecked: number;
  bytes: number;
  state: WitnessState;
}

/** One witness run as the CLI does it: the state read, the run, the state written. */
async function timedRun(url: string, stateFile: string | null, outFile: string): Promise<Timed> {
  const started = performance.now();
  const prior = stateFile === null ? null : await loadState(stateFile);
  const { report, state } = await runWitness(new HttpLedgerSource(url), prior);
  if (!report.ok || !state) throw new Error(`witness bench: the generated chain did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
  const bytes = await saveState(outFile, state);
  return { ms: performance.now() - started, rowsChecked: report.rowsChecked, bytes, state };
}

export async function witnessBench(o: WitnessBenchOptions = {}): Promise<BenchResult> {
  const n = o.rows ?? 100_000;
  const more = o.more ?? 1_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'witness-bench-'));
  const child = spawnChild('./ledger-serve-proc.ts', []);
  try {
    const url = `http://127.0.0.1:${String((await child.ready).port)}`;
    await child.call('grow', { rows: n }, 300_000);
    const first = path.join(dir, 'first.json');
    await timedRun(url, null, path.join(dir, 'prime.json')); // primes the served pages and the JIT
    const full = await timedRun(url, null, first);
    await child.call('grow', { rows: n + more }, 300_000);
    await timedRun(url, first, path.join(dir, 'prime-2.json'));
    const inc = await timedRun(url, first, path.join(dir, 'second.json'));
    const rowsPerS = (rows: number, ms: number): number => rows / (ms / 1000);
    return {
      name: 'witness (P11)',
      notes: [
        `${n.toLocaleString('en')} generated ledger rows (a checkpoint every 1,000 rows), served over loopback HTTP from a child with cached bodies, 1,000 rows a page`,
        `first run ${full.ms.toFixed(0)} ms (${full.rowsChecked} rows, ${rowsPerS(full.rowsChecked, full.ms).toFixed(0)} rows/s), state ${full.bytes.toLocaleString('en')} bytes (${(full.bytes / n).toFixed(1)} bytes/row)`,
        `incremental run after ${more.toLocaleString('en')} more rows ${inc.ms.toFixed(0)} ms (${inc.rowsChecked} rows checked, state read and written: ${inc.bytes.toLocaleString('en')} bytes)`,
      ],
      rows: [
        {
          id: rowId('witness', 'P11'),
          measure: `P11 witness first run ms, ${n.toLocaleString('en')} ledger rows (vs incremental)`,
          ours: full.ms,
          baseline: inc.ms,
          ratio: full.ms / inc.ms,
          goal: 'informative',
          ok: null,
        },
        {
          id: rowId('witness', 'P11.incremental'),
          measure: `P11 witness incremental run ms, +${more.toLocaleString('en')} rows on ${n.toLocaleString('en')}`,
          ours: inc.ms,
          baseline: null,
          ratio: null,
          goal: 'informative',
          ok: null,
        },
        {
          id: rowId('witness', 'P11.rows-per-s'),
          measure: 'P11 witness first run rows/s',
          ours: rowsPerS(full.rowsChecked, full.ms),
          baseline: null,
          ratio: null,
          goal: 'informative',
          ok: null,
        },
        {
          id: rowId('witness', 'P11.state-bytes'),
          measure: `P11 witness state file bytes at ${(n + more).toLocaleString('en')} rows`,
          ours: inc.bytes,
          baseline: null,
          ratio: null,
          goal: 'informative',
          ok: null,
        },
      ],
    };
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
