// PRICE_FEED=replay:FILE[?speed=N][&ts=file|now]: ticks from a CSV `ts,symbol,price` (header
// optional), in file order. Without `speed` (or speed=0) as fast as possible; with speed=N the gaps
// between file timestamps are replayed N times faster. `ts=now` restamps ticks with the wall clock
// (file timestamps are kept by default, so a run is reproducible). Malformed lines are counted and
// skipped.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SYMBOL_PATTERN } from '../../shared/constants.ts';
import type { Logger } from '../logger.ts';
import type { PriceFeed, PriceSink } from './price-feed.ts';

export interface ReplayTick {
  symbol: string;
  price: number;
  ts: number;
}

export interface ReplaySpec {
  file: string;
  /** 0 = as fast as possible. */
  speed: number;
  stamp: 'file' | 'now';
}

/** `replay:data/ticks.csv?speed=10` → {file, speed}. Throws on a bad option, naming it. */
export function parseReplaySpec(spec: string): ReplaySpec {
  const body = spec.startsWith('replay:') ? spec.slice('replay:'.length) : spec;
  const q = body.lastIndexOf('?');
  const file = q >= 0 ? body.slice(0, q) : body;
  const params = new URLSearchParams(q >= 0 ? body.slice(q + 1) : '');
  const speed = Number(params.get('speed') ?? 0);
  if (!Number.isFinite(speed) || speed < 0) throw new Error(`PRICE_FEED replay speed must be a number >= 0, got "${params.get('speed')}"`);
  const stamp = params.get('ts') ?? 'file';
  if (stamp !== 'file' && stamp !== 'now') throw new Error(`PRICE_FEED replay ts must be "file" or "now", got "${stamp}"`);
  if (!file) throw new Error('PRICE_FEED replay needs a file: replay:FILE');
  return { file, speed, stamp };
}

const HEADER = /^\s*ts\s*,\s*symbol\s*,\s*price\s*$/i;
const NUMBER = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** One CSV line → tick, `'skip'` for blank lines and the header, null when malformed. */
export function parseReplayLine(line: string): ReplayTick | 'skip' | null {
  if (line.trim() === '' || HEADER.test(line)) return 'skip';
  const cells = line.split(',').map((c) => c.trim());
  if (cells.length !== 3) return null;
  const [tsCell, symbol, priceCell] = cells as [string, string, string];
  const ts = /^\d+$/.test(tsCell) ? Number(tsCell) : Date.parse(tsCell);
  if (!Number.isSafeInteger(ts) || ts <= 0) return null;
  if (!SYMBOL_PATTERN.test(symbol)) return null;
  if (!NUMBER.test(priceCell)) return null;
  const price = Number(priceCell);
  if (!Number.isFinite(price) || price <= 0) return null;
  return { symbol, price, ts };
}

export interface ReplayStats {
  ticks: number;
  malformed: number;
}

export class ReplayPriceFeed implements PriceFeed {
  readonly name = 'replay';
  readonly stats: ReplayStats = { ticks: 0, malformed: 0 };
  private readonly spec: ReplaySpec;
  private running = false;
  private abort: AbortController | null = null;
  /** Settles when the file has been fully replayed (or the feed stopped). */
  done: Promise<void> = Promise.resolve();

  constructor(
    spec: string | ReplaySpec,
    private readonly log?: Logger,
  ) {
    this.spec = typeof spec === 'string' ? parseReplaySpec(spec) : spec;
  }

  start(sink: PriceSink): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.done = this.replay(sink, this.abort.signal).catch((err: unknown) => {
      this.log?.error({ err, file: this.spec.file }, 'replay failed');
    });
  }

  stop(): void {
    this.running = false;
    this.abort?.abort();
    this.abort = null;
  }

  private async replay(sink: PriceSink, signal: AbortSignal): Promise<void> {
    const input = createReadStream(this.spec.file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let prevTs: number | null = null;
    let sinceYield = 0;
    try {
      for await (const line of lines) {
        if (signal.aborted) return;
        const t = parseReplayLine(line);
        if (t === 'skip') continue;
        if (t === null) {
          this.stats.malformed++;
          continue;
        }
        if (this.spec.speed > 0 && prevTs !== null && t.ts > prevTs) {
          await sleep((t.ts - prevTs) / this.spec.speed, signal);
        } else if (++sinceYield >= 1000) {
          // As fast as possible, but never starve the event loop (sockets, timers, stop()).
          sinceYield = 0;
          await new Promise((r) => setImmediate(r));
        }
        if (signal.aborted) return;
        prevTs = t.ts;
        this.stats.ticks++;
        sink.tick(t.symbol, t.price, this.spec.stamp === 'now' ? Date.now() : t.ts);
      }
      this.log?.info({ file: this.spec.file, ...this.stats }, 'replay finished');
    } finally {
      lines.close();
      input.destroy();
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
