// PRICE_FEED=replay:FILE[,FILE…][?speed=N][&ts=file|now]: ticks from CSV `ts,symbol,price` (header
// optional) or Binance's own aggTrades/trades files (.csv or .zip: server/feeds/replay-sources.ts),
// several files merged in time order. Without `speed` (or speed=0) as fast as possible; with speed=N the gaps
// between file timestamps are replayed N times faster. `ts=now` restamps ticks with the wall clock
// (file timestamps are kept by default, so a run is reproducible). Malformed lines are counted and
// skipped.
import type { Logger } from '../logger.ts';
import type { PriceFeed, PriceSink } from './price-feed.ts';
import { mergedTicks, parseOwnLine } from './replay-sources.ts';

export type { ReplayTick } from './replay-sources.ts';

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

/** One line of our own CSV → tick, `'skip'` for blank lines and the header, null when malformed. */
export const parseReplayLine = parseOwnLine;

/** The files of a spec: comma-separated, merged in time order. */
export function replayFiles(spec: ReplaySpec): string[] {
  return spec.file
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
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
    const ticks = mergedTicks(replayFiles(this.spec));
    let prevTs: number | null = null;
    let sinceYield = 0;
    try {
      for await (const t of ticks) {
        if (signal.aborted) return;
        if (t === 'malformed') {
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
      this.log?.info({ files: replayFiles(this.spec), ...this.stats }, 'replay finished');
    } finally {
      await ticks.return(undefined);
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
