// Benchmark of the open-trade book: ticks/s with nothing triggering vs a per-symbol scan and the
// replaced system's all-trades scan, closes/s under a sweeping price, and bytes per open trade.
import { OpenBook } from '../server/book/open-book.ts';
import type { BookTrade } from '../server/book/types.ts';
import { mulberry32 } from '../server/feeds/prng.ts';
import { priceKey, tickKeySlots } from '../shared/price-key.ts';
import { CandleService } from '../server/candles/candle-service.ts';
import type { CandleStore } from '../server/candles/candle-ports.ts';
import { createLogger } from '../server/logger.ts';
import { candlesTickJob } from '../server/wiring/candles.ts';
import type { Job } from '../server/wiring/lifecycle.ts';
import { tickFanout, type TickArgs } from '../server/wiring/tick-fanout.ts';
import { rowId, type BenchResult, type BenchRow, type RowId } from './row-ids.ts';

export interface BookBenchOptions {
  trades?: number;
  symbols?: number;
}

interface Universe {
  symbols: string[];
  base: Float64Array;
  /** Per trade: symbol index, direction (+1/−1), levels. */
  sym: Int32Array;
  dir: Int8Array;
  entry: Float64Array;
  tp: Float64Array;
  sl: Float64Array;
}

const FEE_RATE = 0.001;

/** P1.candles takes closed minutes from the builder itself; nothing is written. */
const NO_STORE: CandleStore = {
  upsert: () => Promise.resolve(),
  range: () => Promise.resolve([]),
  deleteBefore: () => Promise.resolve(0),
  hasSystemTrades: () => Promise.resolve(false),
};

export async function bookBench(options: BookBenchOptions = {}): Promise<BenchResult> {
  const nTrades = options.trades ?? 1_000_000;
  const nSymbols = options.symbols ?? 1_000;
  const rnd = mulberry32(42);
  const u = makeUniverse(nTrades, nSymbols, rnd);
  const ticks = makeTicks(u, 2_000_000, rnd);

  const { book, bytesPerTrade } = buildBook(u);
  // The same trades keyed per market (SPEC §10, shared/price-key.ts): odd symbols' trades FUTURES
  // (`S0001USDT.P`), so the key count and ticks match P1 and only the key differs. Timed in the
  // same rounds as `ours`: the per-market key must keep ≥ 90 % of P1 (issue 17 §2).
  const keys = u.symbols.map((s, i) => priceKey(s, i % 2 === 1 ? 'FUTURES' : 'SPOT'));
  const keyed = buildBook(u, (i) => keys[u.sym[i] as number] as string).book;
  // Rounds alternate ours and the baseline so a noisy neighbour hurts both alike; best round counts.
  const perSymbol = new PerSymbolScan(u);
  const allScan = new AllTradesScan(u);
  let ts = 0;
  const ours: number[] = [];
  const perMarket: number[] = [];
  const scanA: number[] = [];
  const scanB: number[] = [];
  const bySymbol = () =>
    timeTicks(2_000_000, (i) => book.tick(u.symbols[ticks.sym[i % ticks.length] as number] as string, ticks.price[i % ticks.length] as number, ts + i));
  const byKey = () =>
    timeTicks(2_000_000, (i) => keyed.tick(keys[ticks.sym[i % ticks.length] as number] as string, ticks.price[i % ticks.length] as number, ts + i));
  // SPEC §13 (issue: candle building ≤ 10 % of P1): the tick path production runs (server/app.ts),
  // with and without candles: the feed's tick through the tick fan-out (server/wiring/tick-fanout.ts:
  // the key and its slot from `tickKeySlots`, each per-key job isolated), the book as the engine's
  // job, and the candles job exactly as server/wiring/candles.ts wires it (service → builder). Same
  // book, same ticks, SPOT as a Binance connection's. Left out, which would only add to both
  // sides: the metrics counter (a no-op here) and Date.now (the clock is the tick's ts, as a live
  // feed's, 1 ms apart, so a key's minute rolls every ~60 of its ticks). The closed minutes are
  // taken every 100,000 ticks (the sweep's flush, ~100 s of ticks); and the builder alone, for µs per tick.
  // Both fan-outs are built as server/app.ts builds its own (`TickJobs`: the engine, and the
  // candles job, each at the fan-out's call site for it); app.ts's other per-key jobs (`each`)
  // are left out of both sides, as before.
  const log = createLogger('silent');
  const service = new CandleService(NO_STORE, { retentionDays: 35, log });
  const candles = service.builder;
  let clock = 0;
  let fanClosed = 0;
  const engineJob: Job<TickArgs> = { name: 'engine', run: (key, price, at) => void (fanClosed += Math.max(0, book.tick(key, price, at))) };
  const plainTick = tickFanout(
    { each: [], engine: engineJob },
    () => {},
    log,
    () => clock,
  );
  const candledTick = tickFanout(
    { each: [], candles: candlesTickJob(service), engine: engineJob },
    () => {},
    log,
    () => clock,
  );
  const withoutCandles = () =>
    timeTicks(2_000_000, (i) => {
      clock = ts + i;
      plainTick(u.symbols[ticks.sym[i % ticks.length] as number] as string, ticks.price[i % ticks.length] as number, clock, 'SPOT');
      return 0;
    });
  const withCandles = () =>
    timeTicks(2_000_000, (i) => {
      clock = ts + i;
      candledTick(u.symbols[ticks.sym[i % ticks.length] as number] as string, ticks.price[i % ticks.length] as number, clock, 'SPOT');
      if (i % 100_000 === 0) candles.takeClosed(clock);
      return 0;
    });
  const slots = u.symbols.map((s) => tickKeySlots(s, 'SPOT').slots[0] as number);
  const candlesAlone = () =>
    timeTicks(2_000_000, (i) => {
      const t = ts + i;
      const sym = ticks.sym[i % ticks.length] as number;
      candles.tick(u.symbols[sym] as string, ticks.price[i % ticks.length] as number, t, t, slots[sym] as number);
      if (i % 100_000 === 0) candles.takeClosed(t);
      return 0;
    });
  const plain: number[] = [];
  const candled: number[] = [];
  const candleOnly: number[] = [];
  // One untimed pass of each first: the first timed pass of the first book ran ~15 % faster than
  // any later one of either book (measured 2026-12-02), which made the keyed row lose to warm-up.
  ts += bySymbol().count + byKey().count;
  ts += withoutCandles().count + withCandles().count;
  for (let round = 0; round < 3; round++) {
    // Which of the two goes first alternates by round, so neither always runs on a warmer machine.
    const k0 = round % 2 === 1 ? byKey() : null;
    const t = bySymbol();
    const k = k0 ?? byKey();
    if (t.closed !== 0 || k.closed !== 0) throw new Error('bench universe is wrong: far levels triggered');
    ours.push(t.rate);
    perMarket.push(k.rate);
    ts += t.count;
    scanA.push(timeTicks(50_000, (i) => perSymbol.tick(u.symbols[ticks.sym[i] as number] as string, ticks.price[i] as number, ts + i)).rate);
    scanB.push(timeTicks(15, (i) => allScan.tick(u.symbols[ticks.sym[i] as number] as string, ticks.price[i] as number, ts + i)).rate);
    // With and without candles, back to back, which goes first alternating; three pairs a round
    // (9 in all): on a shared machine one pair is often disturbed, and the best of each counts.
    for (let pair = 0; pair < 3; pair++) {
      const c0 = (round + pair) % 2 === 0 ? withCandles() : null;
      if (c0) ts += c0.count;
      const p = withoutCandles();
      ts += p.count;
      const c = c0 ?? withCandles();
      if (!c0) ts += c.count;
      plain.push(p.rate);
      candled.push(c.rate);
    }
    const alone = candlesAlone();
    ts += alone.count;
    candleOnly.push(alone.rate);
  }
  if (fanClosed !== 0) throw new Error('bench universe is wrong: far levels triggered');
  const best = (xs: number[]): number => Math.max(...xs);
  // P1.candles: each pair ran back to back, so its ratio is what a noisy machine disturbs least;
  // the pair with the median ratio is reported (best-of-each compared two different moments).
  const pairRatios = candled.map((c, i) => c / (plain[i] as number));
  const medianPair = pairRatios.indexOf([...pairRatios].sort((x, y) => x - y)[Math.floor(pairRatios.length / 2)] as number);

  const closes = sweep(book, u, ts + 1);

  const rows: BenchRow[] = [
    row(
      'P1',
      'ticks/s, nothing triggers (vs per-symbol scan)',
      best(ours),
      best(scanA),
      '≥ 5,000,000 and ≥ 25×',
      best(ours) >= 5e6 && best(ours) / best(scanA) >= 25,
    ),
    row('P1.scan', 'ticks/s (vs all-open-trades scan)', best(ours), best(scanB), 'informative', null),
    row(
      'P1.keyed',
      'ticks/s, keyed per market (SYMBOL / SYMBOL.P) vs by symbol',
      best(perMarket),
      best(ours),
      '≥ 0.9× (issue 17 §2)',
      best(perMarket) / best(ours) >= 0.9,
    ),
    row(
      'P1.candles',
      'ticks/s through the tick fan-out with the candles job vs without (same book; median of 9 back-to-back pairs)',
      candled[medianPair] as number,
      plain[medianPair] as number,
      '≥ 0.9× (candles ≤ 10 % of P1)',
      (candled[medianPair] as number) / (plain[medianPair] as number) >= 0.9,
    ),
    row('P1.candles-us', 'µs per tick of candle work (builder alone, best of 3)', 1e6 / best(candleOnly), null, 'informative', null),
    row('P2', 'closes/s, sweeping price', closes.rate, null, '≥ 1,000,000', closes.rate >= 1e6),
    row('P7.book', 'bytes per open trade', bytesPerTrade, null, '≤ 300', Number.isFinite(bytesPerTrade) ? bytesPerTrade <= 300 : null),
  ];
  return {
    name: 'book',
    notes: [
      `${nTrades.toLocaleString('en')} open trades over ${nSymbols.toLocaleString('en')} symbols; ticks best of 3 rounds: ours ${ours.map(fmtRate).join(', ')}; per-symbol scan ${scanA.map(fmtRate).join(', ')}`,
      `keyed per market (half the symbols FUTURES, SYMBOL.P): ${perMarket.map(fmtRate).join(', ')}`,
      `candles (through the tick fan-out): book ${plain.map(fmtRate).join(', ')}; book + candles job ${candled.map(fmtRate).join(', ')}; builder alone ${candleOnly.map(fmtRate).join(', ')} (dropped late ${candles.lateDropped}); pair ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')}; added per tick in the median pair ${(1e9 / (candled[medianPair] as number) - 1e9 / (plain[medianPair] as number)).toFixed(1)} ns`,
      `sweep: ${closes.closed.toLocaleString('en')} closed in ${closes.ticks.toLocaleString('en')} ticks, ${GROUPS} symbol groups at ${closes.rates.map(fmtRate).join(', ')} closes/s (median reported)`,
    ],
    rows,
  };
}

function row(id: RowId<'book'>, measure: string, ours: number, baseline: number | null, goal: string, ok: boolean | null): BenchRow {
  return { id: rowId('book', id), measure, ours, baseline, ratio: baseline === null ? null : ours / baseline, goal, ok };
}

function makeUniverse(n: number, nSymbols: number, rnd: () => number): Universe {
  const symbols = Array.from({ length: nSymbols }, (_, i) => `S${String(i).padStart(4, '0')}USDT`);
  const base = Float64Array.from({ length: nSymbols }, () => 1 + rnd() * 999);
  const u: Universe = {
    symbols,
    base,
    sym: new Int32Array(n),
    dir: new Int8Array(n),
    entry: new Float64Array(n),
    tp: new Float64Array(n),
    sl: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const s = i % nSymbols;
    const b = base[s] as number;
    const far = b * (1.5 + rnd());
    const near = b * (0.2 + 0.3 * rnd());
    const long = rnd() < 0.5;
    u.sym[i] = s;
    u.dir[i] = long ? 1 : -1;
    u.entry[i] = b * (0.98 + 0.04 * rnd());
    u.tp[i] = long ? far : near;
    u.sl[i] = long ? near : far;
  }
  return u;
}

/** Ticks wander within ±5% of each symbol's base price: far from every level. */
function makeTicks(u: Universe, n: number, rnd: () => number): { sym: Int32Array; price: Float64Array; length: number } {
  const sym = new Int32Array(n);
  const price = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rnd() * u.symbols.length);
    sym[i] = s;
    price[i] = (u.base[s] as number) * (0.95 + 0.1 * rnd());
  }
  return { sym, price, length: n };
}

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function collect(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  gc();
  return true;
}

function buildBook(u: Universe, keyOf?: (i: number) => string): { book: OpenBook; bytesPerTrade: number } {
  const measured = collect();
  const before = heapBytes();
  const book = new OpenBook({ feeRate: FEE_RATE });
  for (let i = 0; i < u.sym.length; i++) {
    const t = tradeOf(u, i);
    if (keyOf) t.symbol = keyOf(i);
    book.add(t);
  }
  collect();
  const bytes = heapBytes() - before;
  return { book, bytesPerTrade: measured ? bytes / u.sym.length : NaN };
}

function tradeOf(u: Universe, i: number): BookTrade {
  const entry = u.entry[i] as number;
  return {
    id: i + 1,
    userId: i % 10 === 9 ? 1 + (i % 1000) : null,
    signalId: i % 10 === 9 ? null : i + 1,
    symbol: u.symbols[u.sym[i] as number] as string,
    direction: u.dir[i] === 1 ? 'LONG' : 'SHORT',
    entryPrice: entry,
    quantity: 100 / entry,
    positionSize: 100,
    takeProfit: u.tp[i] as number,
    stopLoss: u.sl[i] as number,
    openedAt: 1_700_000_000_000 + i,
  };
}

function timeTicks(n: number, tick: (i: number) => number): { rate: number; closed: number; count: number } {
  const warm = Math.min(n, 10_000);
  for (let i = 0; i < warm; i++) tick(i);
  let closed = 0;
  const start = performance.now();
  for (let i = warm; i < n + warm; i++) closed += Math.max(0, tick(i));
  const seconds = (performance.now() - start) / 1000;
  return { rate: n / seconds, closed, count: n + warm };
}

const GROUPS = 5;
const fmtRate = (r: number): string => `${(r / 1e6).toFixed(2)}M`;

/**
 * Walks each symbol's price up in 50 steps to far above every level, closing every trade (LONG TP,
 * SHORT SL; ~20 closes per tick). Symbols are swept in groups, each group timed on its own.
 */
function sweep(book: OpenBook, u: Universe, ts0: number): { rate: number; rates: number[]; closed: number; ticks: number } {
  const steps = 50;
  let closed = 0;
  let ticks = 0;
  let ts = ts0;
  const rates: number[] = [];
  const perGroup = Math.ceil(u.symbols.length / GROUPS);
  for (let g = 0; g < GROUPS; g++) {
    let groupClosed = 0;
    const start = performance.now();
    for (let k = 1; k <= steps; k++) {
      for (let s = g * perGroup; s < Math.min(u.symbols.length, (g + 1) * perGroup); s++) {
        groupClosed += book.tick(u.symbols[s] as string, (u.base[s] as number) * (1 + (2.6 * k) / steps), ts++);
        ticks++;
      }
    }
    rates.push(groupClosed / ((performance.now() - start) / 1000));
    closed += groupClosed;
  }
  if (book.size !== 0) throw new Error(`sweep left ${book.size} trades open`);
  const sorted = [...rates].sort((a, b) => a - b);
  return { rate: sorted[Math.floor(sorted.length / 2)] as number, rates, closed, ticks };
}

/**
 * Baseline (a): every trade of the ticked symbol is checked per tick, over typed arrays. Made as fast
 * as a scan gets: each trade is pre-reduced to the two levels that trigger it (up: LONG TP / SHORT SL).
 */
class PerSymbolScan {
  private readonly bySymbol = new Map<string, { up: Float64Array; down: Float64Array; lastTs: number }>();

  constructor(u: Universe) {
    const counts = new Int32Array(u.symbols.length);
    for (let i = 0; i < u.sym.length; i++) counts[u.sym[i] as number]!++;
    const groups = u.symbols.map((_, s) => ({ up: new Float64Array(counts[s]!), down: new Float64Array(counts[s]!), lastTs: -Infinity, n: 0 }));
    for (let i = 0; i < u.sym.length; i++) {
      const g = groups[u.sym[i] as number]!;
      const long = u.dir[i] === 1;
      g.up[g.n] = long ? u.tp[i]! : u.sl[i]!;
      g.down[g.n++] = long ? u.sl[i]! : u.tp[i]!;
    }
    u.symbols.forEach((name, s) => this.bySymbol.set(name, groups[s]!));
  }

  tick(symbol: string, price: number, ts: number): number {
    const g = this.bySymbol.get(symbol);
    if (g === undefined || ts < g.lastTs) return -1;
    g.lastTs = ts;
    const { up, down } = g;
    let hit = 0;
    for (let i = 0; i < up.length; i++) if (price >= up[i]! || price <= down[i]!) hit++;
    return hit;
  }
}

/** Baseline (b): the replaced monitor's loop, every open trade checked on every tick. */
class AllTradesScan {
  private readonly index = new Map<string, number>();

  constructor(private readonly u: Universe) {
    u.symbols.forEach((name, s) => this.index.set(name, s));
  }

  tick(symbol: string, price: number, _ts: number): number {
    const s = this.index.get(symbol) ?? -1;
    const { sym, dir, tp, sl } = this.u;
    let hit = 0;
    for (let i = 0; i < sym.length; i++) {
      if (sym[i] !== s) continue;
      if (dir[i] === 1 ? price <= sl[i]! || price >= tp[i]! : price >= sl[i]! || price <= tp[i]!) hit++;
    }
    return hit;
  }
}
