// trades:export and trades:import against the database. Import key: the trade `id` (kept as is, so
// a re-export is byte-identical). A row whose id exists with the same values is skipped; with other
// values it is a conflict. Everything is checked before anything is written, in one transaction.
import type { MikroORM } from '@mikro-orm/postgresql';
import { SqlRunner, valuesList, type Query, type RawRow } from '../persistence/sql-runner.ts';
import { csvRecord, parseCsv, CsvSyntaxError } from '../../shared/csv.ts';
import { TRADE_CSV_COLUMNS, TRADE_CSV_SELECT, readHeader, validateTradeRecord, type RowError, type TradeCsvRow } from './trade-csv.ts';
import { SYSTEM_TRADE_ID_MAX } from '../persistence/trade-id-ranges.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';

export type ExportScope = 'system' | 'all';

const EXPORT_BATCH = 5_000;
const INSERT_BATCH = 500;

/** Writes the CSV (header + rows ordered by id) chunk by chunk through `write`. Returns the row count. */
export async function exportTrades(orm: MikroORM, scope: ExportScope, write: (chunk: string) => Promise<void>): Promise<number> {
  const db = new SqlRunner(orm);
  await write(csvRecord([...TRADE_CSV_COLUMNS]));
  let after = '0';
  let count = 0;
  for (;;) {
    const rows = await db.query(
      `select ${TRADE_CSV_SELECT} from paper_trades where id > ?::bigint ${scope === 'system' ? `and ${systemTradeSql()}` : ''}
        order by id limit ${EXPORT_BATCH}`,
      [after],
    );
    if (rows.length === 0) return count;
    await write(rows.map((r) => csvRecord(TRADE_CSV_COLUMNS.map((c) => (r[c] === null ? '' : String(r[c]))))).join(''));
    count += rows.length;
    after = String(rows[rows.length - 1]!.id);
  }
}

export class ImportRejected extends Error {
  constructor(readonly errors: RowError[] | string[]) {
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} found; nothing was imported`);
  }
}

export interface ImportResult {
  rows: number;
  imported: number;
  /** Already present with identical values. */
  skipped: number;
  signalsCreated: number;
  ignoredColumns: string[];
}

/** Parses and validates the whole file; throws ImportRejected listing every problem. */
export function parseTradeCsv(text: string): { rows: TradeCsvRow[]; ignoredColumns: string[] } {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ImportRejected([{ line: err.line, field: '*', message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
  const [header, ...body] = records;
  if (!header) throw new ImportRejected(['the file is empty (expected a header line)']);
  const { index, ignored, errors: headerErrors } = readHeader(header.fields);
  if (headerErrors.length > 0) throw new ImportRejected(headerErrors.map((m) => `line ${header.line} (header): ${m}`));

  const errors: RowError[] = [];
  const rows: TradeCsvRow[] = [];
  const idLine = new Map<string, number>();
  const signalLine = new Map<string, number>();
  for (const rec of body) {
    const r = validateTradeRecord(rec.line, rec.fields, index, header.fields.length);
    if (Array.isArray(r)) {
      errors.push(...r);
      continue;
    }
    const seenId = idLine.get(r.id);
    // Imported rows are system trades: an id in the user range would collide with a manual trade.
    if (BigInt(r.id) > SYSTEM_TRADE_ID_MAX) errors.push({ line: r.line, field: 'id', message: `a system trade id must be at most ${SYSTEM_TRADE_ID_MAX}` });
    else if (seenId !== undefined) errors.push({ line: r.line, field: 'id', message: `trade ${r.id} already appears on line ${seenId}` });
    else idLine.set(r.id, r.line);
    if (r.signal_id !== null) {
      const seen = signalLine.get(r.signal_id);
      if (seen !== undefined) errors.push({ line: r.line, field: 'signal_id', message: `signal ${r.signal_id} already has a trade on line ${seen}` });
      else signalLine.set(r.signal_id, r.line);
    }
    rows.push(r);
  }
  if (errors.length > 0) throw new ImportRejected(errors);
  return { rows, ignoredColumns: ignored };
}

/** Imports validated rows in one transaction; throws ImportRejected (nothing written) on conflicts. */
export async function importTrades(orm: MikroORM, rows: readonly TradeCsvRow[]): Promise<Omit<ImportResult, 'ignoredColumns'>> {
  const db = new SqlRunner(orm);
  if (rows.length > 0) {
    // Move the system trade and signal sequences past the imported ids first, so a running server's
    // next trade cannot take one of them (setval is not transactional: a rolled-back import leaves a
    // harmless gap). Manual trades draw from their own range (trade-id-ranges.ts): imports never reach it.
    const maxId = rows.reduce((m, r) => (BigInt(r.id) > m ? BigInt(r.id) : m), 0n);
    const maxSignal = rows.reduce((m, r) => (r.signal_id !== null && BigInt(r.signal_id) > m ? BigInt(r.signal_id) : m), 0n);
    await advanceSequence(db.query.bind(db), 'paper_trades', maxId);
    await advanceSequence(db.query.bind(db), 'signals', maxSignal);
  }
  return db.transaction(async (q) => {
    await q(`create temp table import_rows (like paper_trades including defaults) on commit drop`);
    await q(`alter table import_rows add column line int not null`);
    const cols = [...TRADE_CSV_COLUMNS, 'line'];
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      await q(
        `insert into import_rows (${cols.map((c) => `"${c}"`).join(', ')}) values ${valuesList(batch.length, cols.length)}`,
        batch.flatMap((r) => [...TRADE_CSV_COLUMNS.map((c) => r[c]), r.line]),
      );
    }
    const errors = [...(await conflictingTrades(q)), ...(await conflictingSignals(q))].sort((a, b) => a.line - b.line);
    if (errors.length > 0) throw new ImportRejected(errors);

    await q(`delete from import_rows i using paper_trades t where t.id = i.id`);
    const fresh = Number((await q(`select count(*) as n from import_rows`))[0]!.n);
    const signals = await q(
      `insert into signals (id, external_id, source, symbol, direction, timeframe, entry, tp, sl, confidence, market_type,
                            leverage, status, expires_at, created_at)
       select i.signal_id, null, 'import', i.symbol, i.direction, i.timeframe, i.entry_price, i.take_profit, i.stop_loss,
              i.confidence, i.market_type, i.leverage,
              case i.status when 'PENDING' then 'ACTIVE' when 'OPEN' then 'EXECUTED' when 'CANCELLED' then 'CANCELLED'
                            when 'CLOSED_EXPIRED' then 'EXPIRED' else 'EXECUTED' end,
              null, i.entry_time
         from import_rows i
        where i.signal_id is not null and not exists (select 1 from signals s where s.id = i.signal_id)
       returning id`,
    );
    const trades = TRADE_CSV_COLUMNS.map((c) => `"${c}"`).join(', ');
    await q(`insert into paper_trades (${trades}) select ${trades} from import_rows order by id`);
    // A system trade's bot is its signal's source (SPEC §11): 'import' for the signals made above.
    await q(`update paper_trades t set bot = s.source from import_rows i, signals s where t.id = i.id and s.id = t.signal_id and ${systemTradeSql('t')}`);
    return { rows: rows.length, imported: fresh, skipped: rows.length - fresh, signalsCreated: signals.length };
  });
}

/** Rows whose id exists with other values: a conflict naming the columns that differ. */
async function conflictingTrades(q: Query): Promise<RowError[]> {
  const found = await q(
    `select i.line, ${TRADE_CSV_COLUMNS.map((c) => `t."${c}" is distinct from i."${c}" as "diff_${c}"`).join(', ')}, i.id::text as id
       from import_rows i join paper_trades t on t.id = i.id`,
  );
  return found.flatMap((r: RawRow) => {
    const differ = TRADE_CSV_COLUMNS.filter((c) => r[`diff_${c}`] === true);
    if (differ.length === 0) return [];
    return [{ line: Number(r.line), field: 'id', message: `trade ${String(r.id)} already exists with a different ${differ.join(', ')}` }];
  });
}

/** New rows pointing at an existing signal that is another symbol/direction or has another system trade. */
async function conflictingSignals(q: Query): Promise<RowError[]> {
  const found = await q(
    `select i.line, i.signal_id::text as signal_id, s.symbol, s.direction, i.symbol as row_symbol, i.direction as row_direction,
            (select t.id::text from paper_trades t where t.signal_id = s.id and ${systemTradeSql('t')} and t.id <> i.id limit 1) as other
       from import_rows i join signals s on s.id = i.signal_id
      where not exists (select 1 from paper_trades t where t.id = i.id)`,
  );
  const errors: RowError[] = [];
  for (const r of found) {
    const line = Number(r.line);
    if (r.other !== null) errors.push({ line, field: 'signal_id', message: `signal ${String(r.signal_id)} already has system trade ${String(r.other)}` });
    else if (r.symbol !== r.row_symbol || r.direction !== r.row_direction) {
      errors.push({
        line,
        field: 'signal_id',
        message: `signal ${String(r.signal_id)} exists for ${String(r.symbol)} ${String(r.direction)}, not this trade's`,
      });
    }
  }
  return errors;
}

async function advanceSequence(query: Query, table: 'paper_trades' | 'signals', atLeast: bigint): Promise<void> {
  // paper_trades: only the system range counts (its user range has its own sequence).
  const inRange = table === 'paper_trades' ? ` where id <= ${SYSTEM_TRADE_ID_MAX}` : '';
  await query(
    `select setval(seq, greatest(?::bigint, coalesce((select max(id) from ${table}${inRange}), 0), coalesce(s.last_value, 0), 1))
       from (select pg_get_serial_sequence(?, 'id') as seq) q
       left join pg_sequences s on format('%I.%I', s.schemaname, s.sequencename) = q.seq`,
    [atLeast.toString(), table],
  );
}

export function formatRowError(e: RowError | string): string {
  return typeof e === 'string' ? e : `line ${e.line}${e.field === '*' ? '' : `, field ${e.field}`}: ${e.message}`;
}
