// Typed events the engine fans out to its consumers (broadcaster, metrics, user streams).
// Each consumer is called in isolation: one that throws cannot stall ticks or the others.
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { Logger } from '../logger.ts';

export interface EngineListener {
  /** A trade opened; `userId` null = system trade (public). */
  opened?(trade: TradeJson, userId: number | null): void;
  closed?(trade: TradeJson, userId: number | null): void;
  /** An open trade changed without closing (SPEC §9: a leg filled, its terms were updated), after commit. */
  updated?(trade: TradeJson, userId: number | null): void;
  price?(symbol: string, price: number, ts: number): void;
  /** A symbol went stale (no tick for PRICE_STALE_MS) or fresh again. */
  staleness?(symbol: string, stale: boolean): void;
}

export class EngineEvents {
  private listeners: EngineListener[] = [];

  constructor(private log: Logger) {}

  subscribe(l: EngineListener): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  opened(trade: TradeJson, userId: number | null): void {
    for (const l of this.listeners) this.safely(() => l.opened?.(trade, userId));
  }

  closed(trade: TradeJson, userId: number | null): void {
    for (const l of this.listeners) this.safely(() => l.closed?.(trade, userId));
  }

  updated(trade: TradeJson, userId: number | null): void {
    for (const l of this.listeners) this.safely(() => l.updated?.(trade, userId));
  }

  price(symbol: string, price: number, ts: number): void {
    for (const l of this.listeners) this.safely(() => l.price?.(symbol, price, ts));
  }

  staleness(symbol: string, stale: boolean): void {
    for (const l of this.listeners) this.safely(() => l.staleness?.(symbol, stale));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'engine event consumer failed');
    }
  }
}
