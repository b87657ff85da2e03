// The consumers of engine events, registered in one place by the composition root: each is named,
// fails alone (logged with its name; the others and the tick go on), and a public-only consumer is
// wrapped once by `publicOnly` instead of re-checking the privacy wall in every listener.
import type { EngineEvents, EngineListener } from '../engine/engine-events.ts';
import type { Logger } from '../logger.ts';
import { inScope, PUBLIC_SCOPE } from '../privacy/trade-scope.ts';

export interface Consumer {
  name: string;
  listener: EngineListener;
}

/** Opened/closed/updated reach `listener` for system trades only; prices and staleness pass as they are. */
export function publicOnly(listener: EngineListener): EngineListener {
  const out: EngineListener = {};
  const { opened, closed, updated, price, staleness } = listener;
  if (opened) out.opened = (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && opened.call(listener, t, userId));
  if (closed) out.closed = (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && closed.call(listener, t, userId));
  if (updated) out.updated = (t, userId) => void (inScope(PUBLIC_SCOPE, userId) && updated.call(listener, t, userId));
  if (price) out.price = price.bind(listener);
  if (staleness) out.staleness = staleness.bind(listener);
  return out;
}

/** `listener` with each of its handlers caught and logged under `name`. */
function isolated(name: string, listener: EngineListener, log: Logger): EngineListener {
  const out: EngineListener = {};
  const fail = (event: string, err: unknown) => log.error({ err, consumer: name, event }, 'engine event consumer failed');
  const { opened, closed, updated, price, staleness } = listener;
  if (updated)
    out.updated = (t, u) => {
      try {
        updated.call(listener, t, u);
      } catch (err) {
        fail('updated', err);
      }
    };
  if (opened)
    out.opened = (t, u) => {
      try {
        opened.call(listener, t, u);
      } catch (err) {
        fail('opened', err);
      }
    };
  if (closed)
    out.closed = (t, u) => {
      try {
        closed.call(listener, t, u);
      } catch (err) {
        fail('closed', err);
      }
    };
  if (price)
    out.price = (s, p, ts) => {
      try {
        price.call(listener, s, p, ts);
      } catch (err) {
        fail('price', err);
      }
    };
  if (staleness)
    out.staleness = (s, st) => {
      try {
        staleness.call(listener, s, st);
      } catch (err) {
        fail('staleness', err);
      }
    };
  return out;
}

/** Subscribes every consumer, in the order given (the order each event reaches them). */
export function subscribeConsumers(events: EngineEvents, consumers: readonly Consumer[], log: Logger): void {
  const l = log.child({ module: 'engine-consumers' });
  for (const c of consumers) events.subscribe(isolated(c.name, c.listener, l));
}
