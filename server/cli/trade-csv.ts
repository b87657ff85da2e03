// The trades CSV: SPEC §1 paper_trades columns in SPEC order, one header line. Values are written
// exactly as PostgreSQL stores them (NUMERIC text, timestamps in UTC with microseconds), so an
// export → import → export round trip is byte-identical. Rows are validated one by one on import.
import { DIRECTIONS, MARKET_TYPES, MAX_LEVERAGE, SYMBOL_PATTERN, TIMEFRAMES, TRADE_STATUSES, isClosedStatus } from '../../shared/constants.ts';

export const TRADE_CSV_COLUMNS = [
  'id',
  'signal_id',
  'user_id',
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
  'status',
  'exit_price',
  'exit_time',
  'fees',
  'profit_loss',
  'profit_loss_percentage',
  'created_at',
  'updated_at',
] as const;
export type TradeCsvColumn = (typeof TRADE_CSV_COLUMNS)[number];

const TIMESTAMP_COLUMNS = new Set<TradeCsvColumn>(['entry_time', 'exit_time', 'created_at', 'updated_at']);

/** SELECT list giving every column as the text the CSV holds (NULL stays NULL). */
export const TRADE_CSV_SELECT = TRADE_CSV_COLUMNS.map((c) =>
  TIMESTAMP_COLUMNS.has(c) ? `to_char("${c}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "${c}"` : `"${c}"::text as "${c}"`,
).join(', ');

/** A validated row: every value as text for PostgreSQL to parse (null = empty cell). */
export type TradeCsvRow = Record<TradeCsvColumn, string | null> & { id: string; line: number };

export interface RowError {
  line: number;
  field: string;
  message: string;
}

const INTEGER = /^[1-9]\d{0,17}$/;
const DECIMAL = /^-?\d{1,22}(\.\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/;
const EXIT_COLUMNS = ['exit_price', 'exit_time', 'fees', 'profit_loss', 'profit_loss_percentage'] as const;

/** ms since epoch for a timestamp the CSV accepts (zone required), or NaN. */
export function timestampMs(s: string): number {
  const m = TIMESTAMP.exec(s);
  if (!m) return Number.NaN;
  const date = m[1] ?? '';
  const time = (m[2] ?? '').replace(/(\.\d{3})\d+$/, '$1');
  let zone = m[3] ?? '';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${date}T${time}${zone}`);
}

/** Checks the header: every column present once. Unknown columns are reported, not fatal. */
export function readHeader(fields: readonly string[]): { index: Map<TradeCsvColumn, number>; ignored: string[]; errors: string[] } {
  const index = new Map<TradeCsvColumn, number>();
  const ignored: string[] = [];
  const errors: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!(TRADE_CSV_COLUMNS as readonly string[]).includes(name)) ignored.push(raw);
    else if (index.has(name as TradeCsvColumn)) errors.push(`column ${name} appears twice`);
    else index.set(name as TradeCsvColumn, i);
  });
  const missing = TRADE_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) errors.push(`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return { index, ignored, errors };
}

/** Validates one record; returns the row or the errors naming its fields. */
export function validateTradeRecord(
  line: number,
  fields: readonly string[],
  index: ReadonlyMap<TradeCsvColumn, number>,
  width: number,
): TradeCsvRow | RowError[] {
  const errors: RowError[] = [];
  const fail = (field: string, message: string) => errors.push({ line, field, message });
  if (fields.length !== width) return [{ line, field: '*', message: `has ${fields.length} fields, the header has ${width}` }];
  const cell = (c: TradeCsvColumn): string | null => {
    const v = (fields[index.get(c)!] ?? '').trim();
    return v === '' ? null : v;
  };
  const row = { line } as TradeCsvRow;
  for (const c of TRADE_CSV_COLUMNS) (row as Record<TradeCsvColumn, string | null>)[c] = cell(c);

  const need = (c: TradeCsvColumn): string | null => {
    const v = row[c];
    if (v === null) fail(c, 'is required');
    return v;
  };
  const integer = (c: TradeCsvColumn, v: string | null) => {
    if (v !== null && !INTEGER.test(v)) fail(c, `must be a positive integer, got "${v}"`);
  };
  const decimal = (c: TradeCsvColumn, v: string | null, kind: 'positive' | 'non-negative' | 'signed', maxAbs = 1e22) => {
    if (v === null) return;
    const n = Number(v);
    if (!DECIMAL.test(v) || !Number.isFinite(n)) return fail(c, `must be a decimal number, got "${v}"`);
    if (kind === 'positive' && !(n > 0)) fail(c, `must be positive, got ${v}`);
    else if (kind === 'non-negative' && n < 0) fail(c, `must not be negative, got ${v}`);
    else if (Math.abs(n) >= maxAbs) fail(c, `is out of range: ${v}`);
  };
  const oneOf = (c: TradeCsvColumn, v: string | null, allowed: readonly string[]) => {
    if (v !== null && !allowed.includes(v)) fail(c, `must be one of ${allowed.join(', ')}, got "${v}"`);
  };
  const timestamp = (c: TradeCsvColumn, v: string | null) => {
    if (v !== null && Number.isNaN(timestampMs(v))) fail(c, `must be an ISO 8601 timestamp with a time zone, got "${v}"`);
  };

  integer('id', need('id'));
  integer('signal_id', row.signal_id);
  if (row.user_id !== null) fail('user_id', `only system trades can be imported (this row belongs to user ${row.user_id})`);
  const symbol = need('symbol');
  if (symbol !== null && !SYMBOL_PATTERN.test(symbol)) fail('symbol', `must match ${SYMBOL_PATTERN.source}, got "${symbol}"`);
  oneOf('direction', need('direction'), DIRECTIONS);
  oneOf('market_type', need('market_type'), MARKET_TYPES);
  oneOf('timeframe', need('timeframe'), TIMEFRAMES);
  const confidence = need('confidence');
  decimal('confidence', confidence, 'non-negative');
  if (confidence !== null && Number(confidence) > 1) fail('confidence', `must be between 0 and 1, got ${confidence}`);
  const leverage = need('leverage');
  if (leverage !== null) {
    const n = Number(leverage);
    if (!/^\d+$/.test(leverage) || n < 1 || n > MAX_LEVERAGE) fail('leverage', `must be an integer 1..${MAX_LEVERAGE}, got "${leverage}"`);
    else if (n > 1 && row.market_type === 'SPOT') fail('leverage', 'above 1 needs market_type FUTURES');
  }
  for (const c of ['entry_price', 'position_size', 'quantity', 'take_profit', 'stop_loss'] as const) decimal(c, need(c), 'positive');
  for (const c of ['entry_time', 'created_at', 'updated_at'] as const) timestamp(c, need(c));
  const status = need('status');
  oneOf('status', status, TRADE_STATUSES);
  decimal('exit_price', row.exit_price, 'positive');
  timestamp('exit_time', row.exit_time);
  decimal('fees', row.fees, 'non-negative');
  decimal('profit_loss', row.profit_loss, 'signed');
  decimal('profit_loss_percentage', row.profit_loss_percentage, 'signed', 1e8);

  if (errors.length > 0) return errors;
  checkLevels(row, fail);
  checkExit(row, status!, fail);
  return errors.length > 0 ? errors : row;
}

/** SPEC §1: LONG needs sl < entry < tp, SHORT tp < entry < sl. */
function checkLevels(row: TradeCsvRow, fail: (field: string, message: string) => void): void {
  const entry = Number(row.entry_price);
  const tp = Number(row.take_profit);
  const sl = Number(row.stop_loss);
  const long = row.direction === 'LONG';
  if (long ? !(tp > entry) : !(tp < entry)) fail('take_profit', `must be ${long ? 'above' : 'below'} entry_price for a ${row.direction} trade`);
  if (long ? !(sl < entry) : !(sl > entry)) fail('stop_loss', `must be ${long ? 'below' : 'above'} entry_price for a ${row.direction} trade`);
}

/** Closed trades carry every exit field, open and pending ones none; CANCELLED either. */
function checkExit(row: TradeCsvRow, status: string, fail: (field: string, message: string) => void): void {
  const present = EXIT_COLUMNS.filter((c) => row[c] !== null);
  const mustHave = isClosedStatus(status) || (status === 'CANCELLED' && present.length > 0);
  if (mustHave) {
    for (const c of EXIT_COLUMNS) if (row[c] === null) fail(c, `is required for a ${status} trade`);
  } else if (status === 'OPEN' || status === 'PENDING') {
    for (const c of present) fail(c, `must be empty for a ${status} trade`);
  }
  if (row.exit_time !== null && timestampMs(row.exit_time) < timestampMs(row.entry_time!)) {
    fail('exit_time', 'is before entry_time');
  }
}
