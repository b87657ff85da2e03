// The files `PRICE_FEED=replay:` reads, as streams of ticks: our own CSV `ts,symbol,price`, and
// Binance's published market data (data.binance.vision, github.com/binance/binance-public-data):
// `SYMBOL-aggTrades-YYYY-MM[-DD].csv|zip` and `SYMBOL-trades-…`, the symbol only in the file name.
// Spot files have no header and, from 2025-01-01, microsecond timestamps; USDⓈ-M futures files have a
// header (`agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker`,
// `id,price,qty,quote_qty,time,is_buyer_maker`) and millisecond timestamps. A `.zip` is read entry by
// entry as a stream (yauzl), never loaded whole.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { SYMBOL_PATTERN } from '../../shared/constants.ts';

export interface ReplayTick {
  symbol: string;
  price: number;
  ts: number;
}

/** A tick, or a line that could not be read (counted by the feed). */
export type SourceItem = ReplayTick | 'malformed';

const BINANCE_NAME = /^([A-Z0-9]{2,20})-(aggTrades|trades)-\d{4}-\d{2}(?:-\d{2})?\.(csv|zip)$/;
const NUMBER = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;
const OWN_HEADER = /^\s*ts\s*,\s*symbol\s*,\s*price\s*$/i;

/**
 * A Binance timestamp in milliseconds: milliseconds as is, microseconds (≥ 1e14, i.e. after 1973 in
 * µs, after year 5138 in ms) divided by 1,000; anything else (nanoseconds, seconds, junk) refused.
 */
export function binanceMillis(raw: number): number | null {
  if (!Number.isSafeInteger(raw) || raw <= 0) return null;
  if (raw >= 1e17) return null;
  if (raw >= 1e14) return Math.floor(raw / 1000);
  if (raw >= 1e11) return raw;
  return null;
}

/** One line of our own CSV → tick, `'skip'` for blank lines and the header, null when malformed. */
export function parseOwnLine(line: string): ReplayTick | 'skip' | null {
  if (line.trim() === '' || OWN_HEADER.test(line)) return 'skip';
  const cells = line.split(',').map((c) => c.trim());
  if (cells.length !== 3) return null;
  const [tsCell, symbol, priceCell] = cells as [string, string, string];
  let ts = /^\d+$/.test(tsCell) ? Number(tsCell) : Date.parse(tsCell);
  if (!Number.isSafeInteger(ts) || ts <= 0) return null;
  if (ts >= 1e14) ts = binanceMillis(ts) ?? NaN; // microseconds are converted, never read as ms
  if (Number.isNaN(ts)) return null;
  if (!SYMBOL_PATTERN.test(symbol)) return null;
  const price = parsePrice(priceCell);
  return price === null ? null : { symbol, price, ts };
}

function parsePrice(cell: string | undefined): number | null {
  if (cell === undefined || !NUMBER.test(cell)) return null;
  const price = Number(cell);
  return Number.isFinite(price) && price > 0 ? price : null;
}

/** Columns of a Binance file: by its header when it has one, else by the documented order. */
class BinanceColumns {
  price: number;
  time: number;
  constructor(kind: 'aggTrades' | 'trades') {
    this.price = 1;
    this.time = kind === 'aggTrades' ? 5 : 4;
  }
  /** True when `cells` was the header (and the columns are now read from it). */
  header(cells: string[]): boolean {
    if (/^\d/.test(cells[0] ?? '')) return false;
    const names = cells.map((c) => c.trim().toLowerCase());
    const time = names.findIndex((n) => n === 'transact_time' || n === 'time' || n === 'timestamp');
    const price = names.indexOf('price');
    if (price >= 0) this.price = price;
    if (time >= 0) this.time = time;
    return true;
  }
}

async function* binanceTicks(lines: AsyncIterable<string>, symbol: string, kind: 'aggTrades' | 'trades'): AsyncGenerator<SourceItem> {
  const columns = new BinanceColumns(kind);
  let first = true;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (first && columns.header(cells)) {
      first = false;
      continue;
    }
    first = false;
    const price = parsePrice(cells[columns.price]?.trim());
    const rawTs = cells[columns.time]?.trim() ?? '';
    const ts = /^\d+$/.test(rawTs) ? binanceMillis(Number(rawTs)) : null;
    yield price === null || ts === null ? 'malformed' : { symbol, price, ts };
  }
}

async function* ownTicks(lines: AsyncIterable<string>): AsyncGenerator<SourceItem> {
  for await (const line of lines) {
    const t = parseOwnLine(line);
    if (t === 'skip') continue;
    yield t ?? 'malformed';
  }
}

/** Ticks of one file, in file order. */
export async function* fileTicks(file: string): AsyncGenerator<SourceItem> {
  const m = BINANCE_NAME.exec(path.basename(file));
  const input: AsyncIterable<Readable> | Readable[] = m?.[3] === 'zip' ? await zipEntries(file) : [createReadStream(file, { encoding: 'utf8' })];
  for await (const stream of input) {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      yield* m ? binanceTicks(lines, m[1]!, m[2] as 'aggTrades' | 'trades') : ownTicks(lines);
    } finally {
      lines.close();
      stream.destroy();
    }
  }
}

/** The `.csv` entries of a zip (Binance's hold one), each opened as a stream when reached. */
async function zipEntries(file: string): Promise<AsyncIterable<Readable>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, z) => (err ? reject(new Error(`${file}: ${err.message}`)) : resolve(z))),
  );
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
            zip.once('entry', resolve);
            zip.once('end', () => resolve(null));
            zip.once('error', reject);
            zip.readEntry();
          });
          zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
          if (!entry) return;
          if (!entry.fileName.toLowerCase().endsWith('.csv')) continue;
          const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
          stream.setEncoding('utf8');
          yield stream;
        }
      } finally {
        zip.close();
      }
    },
  };
}

/**
 * Several files merged in time order (each is in time order, as Binance publishes them; ties keep
 * file order). Malformed lines pass through at once.
 */
export async function* mergedTicks(files: string[]): AsyncGenerator<SourceItem> {
  const sources = files.map((f) => fileTicks(f));
  const heads: (ReplayTick | null)[] = [];
  const advance = async (i: number): Promise<'malformed'[]> => {
    const bad: 'malformed'[] = [];
    for (;;) {
      const r = await sources[i]!.next();
      if (r.done) return ((heads[i] = null), bad);
      if (r.value === 'malformed') bad.push('malformed');
      else return ((heads[i] = r.value), bad);
    }
  };
  try {
    for (let i = 0; i < sources.length; i++) yield* await advance(i);
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) if (heads[i] && (best < 0 || heads[i]!.ts < heads[best]!.ts)) best = i;
      if (best < 0) return;
      yield heads[best]!;
      yield* await advance(best);
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}
