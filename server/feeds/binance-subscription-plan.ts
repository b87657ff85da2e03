// What a Binance connection sends next to make a socket's subscriptions equal the wanted set, and how a refused
// SUBSCRIBE is retried: pure decisions over the sets, so BinanceConnection only sends and schedules.
import type { ControlMessage } from './binance-messages.ts';

/** A stream whose last SUBSCRIBE was refused: how often in a row, and when it may be asked for again. */
export interface Refusal {
  count: number;
  retryAt: number;
}

export type SubscriptionStep =
  | { kind: 'send'; method: ControlMessage['method']; params: string[] }
  /** Nothing to send now; `retryAt` is the earliest refused stream's retry (Infinity: none waiting). */
  | { kind: 'idle'; retryAt: number };

export interface SubscriptionState {
  desired: ReadonlySet<string>;
  /** Streams this socket has asked for (and not since dropped). */
  sent: ReadonlySet<string>;
  refused: ReadonlyMap<string, Refusal>;
  now: number;
  maxParamsPerMessage: number;
}

/** The next SUBSCRIBE/UNSUBSCRIBE for one socket, or how long nothing is due. */
export function nextSubscriptionStep(s: SubscriptionState): SubscriptionStep {
  const unsub = [...s.sent].filter((st) => !s.desired.has(st));
  let retryAt = Infinity;
  const sub: string[] = [];
  for (const st of s.desired) {
    if (s.sent.has(st)) continue;
    const r = s.refused.get(st);
    if (r && r.retryAt > s.now) retryAt = Math.min(retryAt, r.retryAt);
    else sub.push(st);
  }
  if (unsub.length === 0 && sub.length === 0) return { kind: 'idle', retryAt };
  // Unsubscribe first: it frees server-side capacity before new streams are added.
  const method = unsub.length > 0 ? 'UNSUBSCRIBE' : 'SUBSCRIBE';
  return { kind: 'send', method, params: (unsub.length > 0 ? unsub : sub).slice(0, s.maxParamsPerMessage) };
}

/** Records a refused SUBSCRIBE of `streams`: each retries after `firstRetryMs`, doubling per refusal in a row, capped. */
export function recordRefusals(refused: Map<string, Refusal>, streams: readonly string[], now: number, firstRetryMs: number, maxRetryMs: number): void {
  for (const st of streams) {
    const count = (refused.get(st)?.count ?? 0) + 1;
    refused.set(st, { count, retryAt: now + Math.min(maxRetryMs, firstRetryMs * 2 ** (count - 1)) });
  }
}
