// Candles end to end around the pure builder: ticks in, closed minutes flushed to the store in
// batches by a timer (the sweep), announced to the stream, read back with the unflushed minutes
// merged in, and old 1m rows deleted. Knows the store only by its port.
import type { MarketType } from '../../shared/constants.ts';
import { priceKey } from '../../shared/price-key.ts';
import type { Logger } from '../logger.ts';
import type { Candle } from './candle.ts';
import { CandleBuilder } from './candle-builder.ts';
import type { CandleStore } from './candle-ports.ts';
import { aggregate, mergeSeries } from './derived-candles.ts';
import { ReadGate } from './read-gate.ts';

const DAY_MS = 86_400_000;
/** Retention deletes at most this often (the sweep runs every second). */
const PRUNE_EVERY_MS = 3_600_000;

export interface CandleServiceOptions {
  /** 1m candles older than this many days are deleted (CANDLE_RETENTION_DAYS). */
  retentionDays: number;
  log: Logger;
  /** Closed minutes as they leave the builder (the public stream filters them by the wall). */
  onClosed?: (candles: readonly Candle[]) => void;
  builder?: CandleBuilder;
  /** Reads at once and waiting (PUBLIC_READ_CONCURRENCY, PUBLIC_READ_QUEUE); default 2 and 32. */
  reads?: { concurrency: number; queue: number };
}

export class CandleService {
  readonly builder: CandleBuilder;
  private flushing: Promise<void> | null = null;
  private lastPrune = -Infinity;
  private readonly publicKeys = new Set<string>();
  private readonly gate: ReadGate;

  constructor(
    private readonly store: CandleStore,
    private readonly opts: CandleServiceOptions,
  ) {
    this.builder = opts.builder ?? new CandleBuilder();
    this.gate = new ReadGate(opts.reads?.concurrency ?? 2, opts.reads?.queue ?? 32);
  }

  /** The per-key tick job (server/wiring/tick-fanout.ts). */
  tick(key: string, price: number, ts: number, now: number, slot = -1): void {
    this.builder.tick(key, price, ts, now, slot);
  }

  /** The sweep: closed minutes to the store, one batch; a flush still running is not doubled. */
  flush(now: number): Promise<void> {
    if (this.flushing) return this.flushing;
    const fresh = this.builder.takeClosed(now);
    const batch = [...this.builder.takeRequeued(), ...fresh];
    if (fresh.length > 0) this.opts.onClosed?.(fresh);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = this.write(batch).finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Shutdown: waits for a running flush, then writes everything, the open minutes too. */
  async close(): Promise<void> {
    await this.flushing;
    const all = this.builder.takeAll();
    if (all.length > 0) await this.store.upsert(all);
  }

  /** The sweep: deletes 1m candles past retention, at most hourly. */
  async prune(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const n = await this.store.deleteBefore(now - this.opts.retentionDays * DAY_MS);
    if (n > 0) this.opts.log.debug({ deleted: n }, 'old 1m candles deleted');
  }

  /** Candles of `intervalMs` in [from, to): stored rows, and the minutes not yet flushed. */
  async read(symbol: string, market: MarketType, intervalMs: number, from: number, to: number): Promise<Candle[]> {
    // A 1d answer aggregates up to 35 days of 1m rows (~80 ms of PostgreSQL): bounded like the other public reads.
    const stored = await this.gate.run(() => this.store.range(symbol, market, intervalMs, from, to));
    const held = this.builder.inMemory(priceKey(symbol, market)).filter((c) => c.start >= from && c.start < to);
    return mergeSeries(stored, aggregate(held, intervalMs));
  }

  /** The wall: a system trade holds or held it. Once true it stays true, so only that is cached. */
  async isPublic(symbol: string, market: MarketType): Promise<boolean> {
    const key = priceKey(symbol, market);
    if (this.publicKeys.has(key)) return true;
    const held = await this.store.hasSystemTrades(symbol, market);
    if (held) this.publicKeys.add(key);
    return held;
  }

  private async write(batch: Candle[]): Promise<void> {
    try {
      await this.store.upsert(batch);
    } catch (err) {
      this.builder.requeue(batch);
      this.opts.log.warn({ err: String(err), candles: batch.length }, 'candles not written (retried next sweep)');
    }
  }
}
