// The root's engine-event consumers: registered in order, each failing alone (logged with its name,
// the others still served), and public-only ones never see a user's trade.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EngineEvents } from '../../server/engine/engine-events.ts';
import { publicOnly, subscribeConsumers } from '../../server/wiring/engine-consumers.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';

function capture() {
  const lines: Array<{ level: number; consumer?: string; event?: string; msg: string }> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write: (c: Buffer, _e, done) => (
        c
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((l) => lines.push(JSON.parse(l))),
        done()
      ),
    }),
  );
  return { log, lines };
}

const trade = { id: 1, symbol: 'BTCUSDT', status: 'OPEN' } as TradeJson;

describe('subscribeConsumers', () => {
  it('a throwing consumer is logged with its name; the others, after it too, still get the event', () => {
    const { log, lines } = capture();
    const events = new EngineEvents(log);
    const got: string[] = [];
    subscribeConsumers(
      events,
      [
        { name: 'first', listener: { opened: () => void got.push('first') } },
        {
          name: 'broken',
          listener: {
            opened: () => {
              throw new Error('consumer bug');
            },
            price: () => {
              throw new Error('price bug');
            },
          },
        },
        { name: 'last', listener: { opened: () => void got.push('last'), price: (s) => void got.push(`price ${s}`) } },
      ],
      log,
    );
    events.opened(trade, null);
    events.price('ETHUSDT', 1, 1);
    expect(got).toEqual(['first', 'last', 'price ETHUSDT']);
    expect(lines.filter((l) => l.level === 50).map((l) => [l.consumer, l.event])).toEqual([
      ['broken', 'opened'],
      ['broken', 'price'],
    ]);
  });
});

describe('publicOnly', () => {
  it('passes system trades, drops user trades, passes prices and staleness', () => {
    const got: string[] = [];
    const l = publicOnly({
      opened: (t, u) => void got.push(`opened ${t.id} ${u}`),
      closed: (t, u) => void got.push(`closed ${t.id} ${u}`),
      price: (s, p) => void got.push(`price ${s} ${p}`),
      staleness: (s, st) => void got.push(`stale ${s} ${st}`),
    });
    l.opened!(trade, 7);
    l.closed!(trade, 7);
    l.opened!(trade, null);
    l.closed!(trade, null);
    l.price!('BTCUSDT', 5, 1);
    l.staleness!('BTCUSDT', true);
    expect(got).toEqual(['opened 1 null', 'closed 1 null', 'price BTCUSDT 5', 'stale BTCUSDT true']);
  });

  it('adds no handler the listener does not have', () => {
    expect(Object.keys(publicOnly({ closed: () => undefined }))).toEqual(['closed']);
  });
});
