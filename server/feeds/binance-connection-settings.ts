// What a BinanceConnection is given (endpoint, limits, timings, the shared per-IP budget), what it reports,
// and how it describes its health; binance-feed.ts builds the settings from the config.
import type { Logger } from '../logger.ts';
import type { ConnectionBudget } from './binance-connection-budget.ts';
import type { BinanceFrame } from './binance-messages.ts';
import type { Timers } from './timers.ts';

export interface ConnectionSettings {
  /** Full endpoint, e.g. `wss://stream.binance.com:9443/stream`. */
  url: string;
  timers: Timers;
  random: () => number;
  /** Shared by every connection of the process: Binance's limits are per IP. */
  budget: ConnectionBudget;
  /** Incoming-message limit Binance enforces per connection, pongs included. */
  maxMessagesPerSecond: number;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message. */
  maxParamsPerMessage: number;
  /** Proactive rotation before Binance's 24 h disconnect. */
  maxLifetimeMs: number;
  /** Least time between one socket's opening and the next rotation (a `serverShutdown` storm). */
  minRotationIntervalMs: number;
  /** A socket must stay open this long (and deliver data, if it has streams) to reset the backoff. */
  stableAfterMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Reconnect when nothing (not even a ping) arrived for this long; 0 = off. */
  idleTimeoutMs: number;
  /** Every subscribed stream silent this long is a fault (and a fresh socket is tried); 0 = off. */
  silentFaultMs: number;
  /** First retry of a refused SUBSCRIBE; doubles per refusal up to `backoffMaxMs`. */
  subscribeRetryMs: number;
  log: Logger;
}

export interface ConnectionEvents {
  frame(frame: BinanceFrame & { kind: 'tick' }): void;
  malformed(reason: string): void;
  reconnecting(reason: string): void;
}

export interface ConnectionHealth {
  fault: string | null;
  /** Streams whose last SUBSCRIBE was refused and that are waiting for a retry. */
  refused: string[];
  open: boolean;
}
