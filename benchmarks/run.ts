// Runs every benchmark in turn and prints `id | measure | ours | baseline | ratio | goal` rows (or --json: each row has a stable `id`).
// Add a bench by importing its function, declaring its row ids in row-ids.ts (the id scheme is there) and appending it to BENCHES.
import os from 'node:os';
import { bookBench } from './book-bench.ts';
import { managedBench } from './managed-bench.ts';
import { fanoutBench } from './fanout-bench.ts';
import { latencyBench } from './latency-bench.ts';
import { ingestBench } from './ingest-bench.ts';
import { startupBench } from './startup-bench.ts';
import { pageBench } from './page-bench.ts';
import { clusterBench } from './cluster-bench.ts';
import { riskBench } from './risk-bench.ts';
import { tradePageBench } from './trade-page-bench.ts';
import { notifyBench } from './notify-bench.ts';
import { witnessBench } from './witness-bench.ts';
import { benchDatabasesIfOpen } from './support/bench-db.ts';
import { BENCH_ROWS, measuresOf, type BenchResult } from './row-ids.ts';

// Flags: --json, --only P3,P5, and sizes: --trades N --symbols N (P1/P2/P7), --viewers N
// --viewer-procs N (P3/P4/P7), --signals N (P4), --in-flight N (P5), --hydrate N (P6), --page-trades N (P8),
// --risk-closed N (P9), --ledger-rows N (P11), --seconds N (measure window of P3/P5), --interval-ms N --burst N --viewer-kind net|ws (P3).
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
const num = (name: string): number | undefined => (flag(name) === undefined ? undefined : Number(flag(name)));
const only = flag('only')
  ?.toUpperCase()
  .split(',')
  .map((s) => s.trim());
const seconds = num('seconds');

const BENCHES: Array<{ ids: string[]; run: () => Promise<BenchResult> }> = [
  { ids: measuresOf(BENCH_ROWS.book), run: () => bookBench({ trades: num('trades'), symbols: num('symbols') }) },
  { ids: measuresOf(BENCH_ROWS.managed), run: () => managedBench({ trades: num('trades'), symbols: num('symbols') }) },
  {
    ids: measuresOf(BENCH_ROWS.fanout),
    run: () =>
      fanoutBench({
        viewers: num('viewers'),
        viewerProcs: num('viewer-procs'),
        measureMs: seconds && seconds * 1000,
        intervalMs: num('interval-ms'),
        burst: num('burst'),
        viewerKind: flag('viewer-kind') === 'ws' ? 'ws' : 'net',
      }),
  },
  {
    ids: measuresOf(BENCH_ROWS.latency),
    run: () =>
      latencyBench({
        viewers: num('viewers'),
        viewerProcs: num('viewer-procs'),
        signals: num('signals'),
        viewerKind: flag('viewer-kind') === 'ws' ? 'ws' : 'net',
      }),
  },
  { ids: measuresOf(BENCH_ROWS.startup), run: () => startupBench({ trades: num('hydrate') }) },
  { ids: measuresOf(BENCH_ROWS.ingest), run: () => ingestBench({ inFlight: num('in-flight'), measureMs: seconds && seconds * 1000 }) },
  { ids: measuresOf(BENCH_ROWS.page), run: () => pageBench({ trades: num('page-trades') }) },
  {
    ids: measuresOf(BENCH_ROWS.cluster),
    run: () => clusterBench({ viewers: num('viewers'), viewerProcs: num('viewer-procs'), measureMs: seconds && seconds * 1000 }),
  },
  { ids: measuresOf(BENCH_ROWS.risk), run: () => riskBench({ closed: num('risk-closed') }) },
  { ids: measuresOf(BENCH_ROWS.tradePage), run: () => tradePageBench() },
  { ids: measuresOf(BENCH_ROWS.notify), run: () => notifyBench({ signals: num('signals') }) },
  { ids: measuresOf(BENCH_ROWS.witness), run: () => witnessBench({ rows: num('ledger-rows') }) },
];

const json = argv.includes('--json');
const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  gc: typeof (globalThis as { gc?: unknown }).gc === 'function',
};

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2));

const results: BenchResult[] = [];
if (!json)
  console.log(
    `machine: ${machine.cpus} cores (${machine.cpu}), node ${machine.node}, ${machine.platform}${machine.gc ? '' : ', no --expose-gc: memory not measured'}`,
  );
const started = performance.now();
for (const bench of BENCHES) {
  if (only && !bench.ids.some((id) => only.includes(id))) continue;
  const result = await bench.run();
  results.push(result);
  if (json) continue;
  console.log(`\n## ${result.name}`);
  for (const note of result.notes ?? []) console.log(note);
  console.log('id | measure | ours | baseline | ratio | goal');
  for (const r of result.rows) {
    const verdict = r.ok === null ? '' : r.ok ? ' ✓' : ' ✗ MISSED';
    console.log(`${r.id} | ${r.measure} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${r.ratio === null ? '—' : `${fmt(r.ratio)}×`} | ${r.goal}${verdict}`);
  }
}
await (await benchDatabasesIfOpen())?.stop();
const totalSeconds = Math.round((performance.now() - started) / 1000);
if (json) console.log(JSON.stringify({ machine, seconds: totalSeconds, results }, null, 2));
else console.log(`\n${results.length} benches in ${totalSeconds} s`);
if (results.some((r) => r.rows.some((row) => row.ok === false))) process.exitCode = 1;
