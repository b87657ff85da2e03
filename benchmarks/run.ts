// Runs every benchmark in turn and prints `measure | ours | baseline | ratio | goal` rows (or --json).
// Add a bench by importing its function and appending it to BENCHES.
import os from 'node:os';
import { bookBench } from './book-bench.ts';

export interface BenchRow {
  measure: string;
  ours: number;
  baseline: number | null;
  ratio: number | null;
  goal: string;
  /** null = no pass/fail for this row. */
  ok: boolean | null;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  notes?: string[];
}

const BENCHES: Array<() => Promise<BenchResult>> = [bookBench];

const json = process.argv.includes('--json');
const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  gc: typeof (globalThis as { gc?: unknown }).gc === 'function',
};

const fmt = (v: number | null): string =>
  v === null || !Number.isFinite(v) ? '—' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2);

const results: BenchResult[] = [];
if (!json) console.log(`machine: ${machine.cpus} cores (${machine.cpu}), node ${machine.node}, ${machine.platform}${machine.gc ? '' : ', no --expose-gc: memory not measured'}`);
for (const bench of BENCHES) {
  const result = await bench();
  results.push(result);
  if (json) continue;
  console.log(`\n## ${result.name}`);
  for (const note of result.notes ?? []) console.log(note);
  console.log('measure | ours | baseline | ratio | goal');
  for (const r of result.rows) {
    const verdict = r.ok === null ? '' : r.ok ? ' ✓' : ' ✗ MISSED';
    console.log(`${r.measure} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${r.ratio === null ? '—' : `${fmt(r.ratio)}×`} | ${r.goal}${verdict}`);
  }
}
if (json) console.log(JSON.stringify({ machine, results }, null, 2));
if (results.some((r) => r.rows.some((row) => row.ok === false))) process.exitCode = 1;
