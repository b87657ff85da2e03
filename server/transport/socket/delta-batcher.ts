// The delta half of the snapshot/delta protocol, shared by /public and /me: one epoch, contiguous
// seq, prices coalesced per symbol until the next flush, opened/closed events sent in the same job
// (a tick closing 5,000 trades sends a handful of deltas, not 5,000), pending prices first, the
// summary last, at most 500 events per delta.
import { randomUUID } from 'node:crypto';
import type { DeltaEvent, DeltaJson, SummaryJson } from '../../../shared/protocol-types.ts';

const MAX_EVENTS_PER_DELTA = 500;

export class DeltaBatcher {
  private epochId = randomUUID();
  private seqNo = 0;
  private pendingPrices = new Map<string, [number, number]>();
  private pendingStale: string[] = [];
  private pendingEvents: DeltaEvent[] = [];
  private flushQueued = false;
  stopped = false;

  constructor(
    private emit: (delta: DeltaJson) => void,
    private summary: () => SummaryJson,
  ) {}

  get epoch(): string {
    return this.epochId;
  }

  get seq(): number {
    return this.seqNo;
  }

  /**
   * A new epoch, announced by a delta (seq 1) carrying the summary: every viewer resyncs, as after a
   * restart. For a change no delta can describe (SPEC §11: which bots the record counts changed).
   */
  renew(): void {
    this.flushEvents();
    this.epochId = randomUUID();
    this.seqNo = 0;
    this.emitDelta([{ type: 'summary', summary: this.summary() }]);
  }

  /** Whether price or staleness changes wait for a flush. */
  get hasPendingPrices(): boolean {
    return this.pendingPrices.size > 0 || this.pendingStale.length > 0;
  }

  price(symbol: string, price: number, ts: number): void {
    this.pendingPrices.set(symbol, [price, ts]);
  }

  stale(symbol: string): void {
    this.pendingStale.push(symbol);
  }

  event(e: DeltaEvent): void {
    this.pendingEvents.push(e);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flushEvents());
  }

  /** The interval flush: pending events, or else pending prices alone, as one delta. */
  flushPrices(): void {
    if (this.pendingEvents.length > 0) this.flushEvents();
    else if (this.pendingPrices.size > 0 || this.pendingStale.length > 0) this.emitDelta([]);
  }

  /** Sends queued events now (a snapshot calls this first so its seq is exact). */
  flushEvents(): void {
    this.flushQueued = false;
    if (this.pendingEvents.length === 0) return;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_DELTA) {
      const chunk = events.slice(i, i + MAX_EVENTS_PER_DELTA);
      if (i + MAX_EVENTS_PER_DELTA >= events.length) chunk.push({ type: 'summary', summary: this.summary() });
      this.emitDelta(chunk);
    }
  }

  private emitDelta(events: DeltaEvent[]): void {
    if (this.stopped) return;
    const out: DeltaEvent[] = [];
    if (this.pendingPrices.size > 0 || this.pendingStale.length > 0) {
      const prices: Record<string, [number, number]> = {};
      for (const [s, p] of this.pendingPrices) prices[s] = p;
      const ev: DeltaEvent = { type: 'prices', prices };
      if (this.pendingStale.length > 0) ev.stale = this.pendingStale;
      out.push(ev);
      this.pendingPrices.clear();
      this.pendingStale = [];
    }
    for (const e of events) out.push(e);
    this.seqNo += 1;
    this.emit({ epoch: this.epoch, seq: this.seqNo, events: out });
  }
}
