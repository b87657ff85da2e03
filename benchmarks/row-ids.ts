// Stable ids of the bench rows, for `npm run bench -- --json` readers: a row keeps its id when its wording or sizes change.
// Scheme: the measure's number (P1…P8 from docs/benchmarks.md, C1 for the cluster) for the row that carries its goal,
// and `<number>.<suffix>` (lowercase words joined by `-`, dot-separated) for the other rows of that measure,
// e.g. P1 (ticks/s vs per-symbol scan), P1.keyed, P7.book; page bundle rows are P8.bundle.<file>, e.g. P8.bundle.widget-js.
// New measures take the next free number; a row's id never changes meaning (retire it instead).

export const ROW_ID_PATTERN = /^(P[1-9][0-9]?|C[1-9])(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

/** Every row each bench emits, in its order (bundle rows aside: one per built file, see bundleRowId). */
export const BENCH_ROWS = {
  book: ['P1', 'P1.scan', 'P1.keyed', 'P1.candles', 'P1.candles-us', 'P2', 'P7.book'],
  managed: ['P1.managed', 'P2.legs', 'P7.managed'],
  fanout: ['P3', 'P3.uws', 'P3.uws-burst', 'P7.viewer'],
  latency: ['P4.p50', 'P4'],
  startup: ['P6', 'P6.rss'],
  ingest: ['P5'],
  page: ['P8', 'P8.raf'],
  cluster: ['C1'],
  risk: ['P9', 'P9.http', 'P9.after-close'],
  tradePage: ['P8.trade-page'],
  notify: ['P10.p50', 'P10', 'P10.cpu'],
  witness: ['P11', 'P11.incremental', 'P11.rows-per-s', 'P11.state-bytes'],
} as const;

export type BenchName = keyof typeof BENCH_ROWS;
export type RowId<B extends BenchName> = (typeof BENCH_ROWS)[B][number];

/** One row of a bench's output; `id` is stable (above), `measure` is the human wording. */
export interface BenchRow {
  id: string;
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

/** A bench's row id, checked against BENCH_ROWS at compile time. */
export function rowId<B extends BenchName>(_bench: B, id: RowId<B>): RowId<B> {
  return id;
}

/** `assets/trade-C-lVlu5X.css` → `assets/trade.css`: Vite's 8-character base64url hash (it may hold `-` or `_`) before the extension. */
export function withoutContentHash(file: string): string {
  return file.replace(/-[A-Za-z0-9_-]{8}(?=\.[a-z0-9]+$)/, '');
}

/** `assets/index.js` → `P8.bundle.index-js` (the content hash is already stripped from the file name). */
export function bundleRowId(file: string): string {
  const name = file.split('/').pop() ?? file;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `P8.bundle.${slug}`;
}

/** The measure numbers a bench's rows belong to, for `--only P1,P7`: P1.keyed and P7.book → P1, P7. */
export function measuresOf(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.split('.')[0]!))];
}
