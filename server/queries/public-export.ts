// `GET /api/public/paper-trading/export.csv` (SPEC §13): the public list as CSV, same filters and
// ordering. One answer holds at most EXPORT_MAX_ROWS trades, read in keyset pages; when more
// match, a `Link: <…>; rel="next"` header continues after the last row (the list's cursor).
import { csvRecord } from '../../shared/csv.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { decodeCursor, encodeCursor, type ListCursor } from './list-cursor.ts';
import type { PublicListQuery } from './list-query.ts';
import type { PublicListSource } from './public-list.ts';

export const EXPORT_MAX_ROWS = 10_000;
const CHUNK = 1_000;

/** Wire fields in the CSV, in order (legs and the plan stay on the JSON API). */
export const EXPORT_COLUMNS = [
  'id',
  'bot',
  'signal_id',
  'symbol',
  'direction',
  'market_type',
  'timeframe',
  'confidence',
  'leverage',
  'entry_price',
  'entry_time',
  'position_size',
  'quantity',
  'take_profit',
  'stop_loss',
  'initial_stop_loss',
  'status',
  'exit_reason',
  'exit_price',
  'exit_time',
  'fees',
  'realized_profit_loss',
  'profit_loss',
  'profit_loss_percentage',
  'price_gap',
] as const satisfies readonly (keyof TradeJson)[];

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function exportRow(t: TradeJson): string {
  return csvRecord(EXPORT_COLUMNS.map((c) => cell(t[c])));
}

/** The CSV and, when more trades match, the cursor that continues after its last row. */
export async function exportCsv(
  source: Pick<PublicListSource, 'tradePage'>,
  q: PublicListQuery,
  limits: { maxRows: number; chunk: number } = { maxRows: EXPORT_MAX_ROWS, chunk: CHUNK },
): Promise<{ csv: string; rows: number; next: string | null }> {
  const parts = [csvRecord(EXPORT_COLUMNS)];
  let after: ListCursor | null = q.cursor === undefined ? null : decodeCursor(q.cursor, q.ordering);
  let rows = 0;
  while (rows < limits.maxRows) {
    const want = Math.min(limits.chunk, limits.maxRows - rows);
    const page = await source.tradePage(q, after ? { after } : { offset: 0 }, want + 1);
    const take = page.results.slice(0, want);
    for (const t of take) parts.push(exportRow(t));
    rows += take.length;
    if (page.results.length <= want) return { csv: parts.join(''), rows, next: null };
    after = page.cursors[want - 1]!;
  }
  return { csv: parts.join(''), rows, next: after ? encodeCursor(after) : null };
}
