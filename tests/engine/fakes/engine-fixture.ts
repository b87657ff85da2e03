// A TradeEngine on its real pure parts (OpenBook, EngineEvents, PublicState) and the in-memory
// store, with a hand-moved clock and every event recorded (also in the store's journal, so a test
// can read commits and announcements in one order).
import type { SignalInput } from '../../../shared/signal-schema.ts';
import type { TradeJson } from '../../../shared/protocol-types.ts';
import { OpenBook } from '../../../server/book/open-book.ts';
import { EngineEvents } from '../../../server/engine/engine-events.ts';
import { PublicState } from '../../../server/engine/public-state.ts';
import { TradeEngine, type EngineOptions } from '../../../server/engine/trade-engine.ts';
import type { TokenIdentity } from '../../../server/auth/token-auth.ts';
import { createLogger } from '../../../server/logger.ts';
import { MemoryTradeStore } from './memory-trade-store.ts';

export const T0 = Date.parse('2026-01-05T10:00:00.000Z');
export const BOT: TokenIdentity = { kind: 'bot', name: 'alpha', userId: null, env: false };

export interface SeenEvent {
  kind: 'opened' | 'closed';
  trade: TradeJson;
  userId: number | null;
}

export function engineFixture(opts: Partial<EngineOptions> = {}) {
  let now = T0;
  const log = createLogger('silent');
  const store = new MemoryTradeStore(() => now);
  const events = new EngineEvents(log);
  const seen: SeenEvent[] = [];
  events.subscribe({
    opened: (trade, userId) => {
      seen.push({ kind: 'opened', trade, userId });
      store.journal.push(`opened:${trade.id}`);
    },
    closed: (trade, userId) => {
      seen.push({ kind: 'closed', trade, userId });
      store.journal.push(`closed:${trade.id}`);
    },
  });
  const publicState = new PublicState({ total: 0, cancelled: 0, closed: [] });
  const holder: { engine?: TradeEngine } = {};
  const book = new OpenBook({ feeRate: 0.001, listener: { closed: (c) => holder.engine?.onBookClose(c) } });
  const engine = new TradeEngine(book, store, events, publicState, { positionSize: 100, now: () => now, ...opts }, log);
  holder.engine = engine;
  return {
    engine,
    store,
    book,
    publicState,
    seen,
    /** Moves the clock by `ms` and returns the new time. */
    advance(ms: number): number {
      now += ms;
      return now;
    },
    get now(): number {
      return now;
    },
  };
}

/** A LONG BTCUSDT signal at 100 (TP 110, SL 95) unless overridden. */
export function signal(over: Partial<SignalInput> = {}): SignalInput {
  return { external_id: 'sig-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95, ...over };
}

/** Lets queued store promises and the engine's reactions to them run (closes are written in the background). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
