// Bench rows carry stable ids (benchmarks/row-ids.ts) for `npm run bench -- --json`; checked here without running a bench.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCH_ROWS, bundleRowId, measuresOf, ROW_ID_PATTERN, withoutContentHash, type BenchName } from '../../benchmarks/row-ids.ts';

const SOURCES: Record<BenchName, string> = {
  book: 'benchmarks/book-bench.ts',
  managed: 'benchmarks/managed-bench.ts',
  fanout: 'benchmarks/fanout-bench.ts',
  latency: 'benchmarks/latency-bench.ts',
  startup: 'benchmarks/startup-bench.ts',
  ingest: 'benchmarks/ingest-bench.ts',
  page: 'benchmarks/page-bench.ts',
  cluster: 'benchmarks/cluster-bench.ts',
  risk: 'benchmarks/risk-bench.ts',
  tradePage: 'benchmarks/trade-page-bench.ts',
  notify: 'benchmarks/notify-bench.ts',
  witness: 'benchmarks/witness-bench.ts',
};

describe('bench row ids', () => {
  const all = Object.values(BENCH_ROWS).flat();

  it('are unique across every bench and follow the pattern', () => {
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(ROW_ID_PATTERN);
  });

  it('cover every measure number the docs name, each with one headline row', () => {
    for (const measure of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P8', 'P10', 'P11', 'C1']) expect(all).toContain(measure);
    expect(all.filter((id) => id.startsWith('P7'))).toEqual(['P7.book', 'P7.managed', 'P7.viewer']);
  });

  it('are each used by the bench that declares them', () => {
    for (const [bench, ids] of Object.entries(BENCH_ROWS) as [BenchName, readonly string[]][]) {
      const source = readFileSync(SOURCES[bench], 'utf8');
      for (const id of ids) expect(source, `${id} in ${SOURCES[bench]}`).toContain(`'${id}'`);
    }
  });

  it('give bundle rows an id per built file', () => {
    const files = ['assets/index.js', 'assets/index.css', 'assets/ticker.js', 'widget.js'];
    const ids = files.map(bundleRowId);
    expect(ids).toEqual(['P8.bundle.index-js', 'P8.bundle.index-css', 'P8.bundle.ticker-js', 'P8.bundle.widget-js']);
    for (const id of ids) expect(id).toMatch(ROW_ID_PATTERN);
    expect(all).not.toContain(ids[0]);
  });

  it('select benches by measure number for --only', () => {
    expect(measuresOf(BENCH_ROWS.book)).toEqual(['P1', 'P2', 'P7']);
    expect(measuresOf(BENCH_ROWS.fanout)).toEqual(['P3', 'P7']);
    expect(measuresOf(BENCH_ROWS.latency)).toEqual(['P4']);
  });

  it('reject ids outside the scheme', () => {
    for (const bad of ['p1', 'P1.', 'P1.Keyed', 'X1', 'P1..a', 'P1.a_b']) expect(bad).not.toMatch(ROW_ID_PATTERN);
  });

  it('strips a content hash that holds - or _ as well as one that does not', () => {
    expect(['assets/trade-C-lVlu5X.css', 'assets/index-CqAGw5MG.js', 'assets/socket-events-9IkZAhpK.js', 'widget.js'].map(withoutContentHash)).toEqual([
      'assets/trade.css',
      'assets/index.js',
      'assets/socket-events.js',
      'widget.js',
    ]);
  });
});
