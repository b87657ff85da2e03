// SummaryAccumulator: hand-computed events, and a property test against computePerformance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRADE_STATUSES } from '../../../shared/constants.ts';
import type { MetricTrade } from '../../../shared/metrics/metric-trade.ts';
import { computePerformance } from '../../../shared/metrics/performance.ts';
import { SUMMARY_KEYS, SummaryAccumulator } from '../../../shared/metrics/summary-accumulator.ts';
import type { SummaryJson } from '../../../shared/protocol-types.ts';
import { closed, T0, trade } from './trade-factory.ts';

function summaryOf(trades: MetricTrade[], unrealized: number): SummaryJson {
  const p = computePerformance(trades, { unrealizedProfitLoss: unrealized });
  return Object.fromEntries(SUMMARY_KEYS.map((k) => [k, p[k]])) as unknown as SummaryJson;
}

describe('SummaryAccumulator — by hand', () => {
  it('starts empty', () => {
    expect(new SummaryAccumulator().summary(0)).toEqual(summaryOf([], 0));
  });

  it('five closes +10, −5, +20, 0, −15 with one trade still open and one cancelled', () => {
    const acc = new SummaryAccumulator();
    for (let i = 0; i < 7; i++) acc.opened();
    [10, -5, 20, 0, -15].forEach((pl, i) => acc.closed(pl, 0.1, T0 + i));
    acc.cancelled();
    expect(acc.summary(2.5)).toEqual({
      total_trades: 7, // 5 closed + 1 open + 1 cancelled
      open_trades: 1,
      closed_trades: 5,
      profitable_trades: 2,
      losing_trades: 2,
      breakeven_trades: 1,
      win_rate: 40, // 2 / 5
      total_profit_loss: 10,
      avg_profit_loss: 2, // 10 / 5
      unrealized_profit_loss: 2.5,
      profit_factor: 1.5, // 30 / 20
      max_drawdown: 15, // cumulative 10, 5, 25, 25, 10
      total_fees: 0.5,
    });
    expect(acc.lastExitTime).toBe(T0 + 4);
  });

  it('a close or cancel with nothing open is a bookkeeping bug', () => {
    expect(() => new SummaryAccumulator().closed(1, 0, T0)).toThrow(RangeError);
    expect(() => new SummaryAccumulator().cancelled()).toThrow(RangeError);
  });

  it('fromTrades replays closes in exit order whatever the array order', () => {
    // exit order +20, −5, −10 → cum 20, 15, 5 → drawdown 15 (array order would give 10)
    const a = closed(20, 1);
    const b = closed(-5, 2);
    const c = closed(-10, 3);
    const open = trade({ status: 'PENDING' });
    const acc = SummaryAccumulator.fromTrades([c, open, a, b]);
    expect(acc.summary(0)).toEqual(summaryOf([a, b, c, open], 0));
    expect(acc.summary(0).max_drawdown).toBe(15);
    expect(acc.summary(0).open_trades).toBe(1);
  });
});

// ---- property: any event sequence, checked after every event ----

const money = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }).map((n) => n / 1e8), // ±50 USDT, 8 dp
  fc.integer({ min: -3, max: 3 }), // small integers: many ties and exact breakevens
);

const tradeArb = fc.record({
  symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
  direction: fc.constantFrom('LONG' as const, 'SHORT' as const),
  status: fc.constantFrom(...TRADE_STATUSES),
  entrySec: fc.integer({ min: 0, max: 40 }), // coarse times so exit ties are common
  durationSec: fc.integer({ min: 0, max: 20 }),
  profit_loss: fc.option(money, { freq: 10 }),
  fees: fc.option(
    fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1e8),
    { freq: 10 },
  ),
  unrealized: money,
});

type Gen = typeof tradeArb extends fc.Arbitrary<infer T> ? T : never;

function finalTrade(g: Gen, id: number): MetricTrade {
  const closedOrCancelled = g.status !== 'OPEN' && g.status !== 'PENDING';
  const entry = T0 + g.entrySec * 1000;
  return {
    id,
    symbol: g.symbol,
    direction: g.direction,
    timeframe: '1h',
    market_type: 'SPOT',
    status: g.status,
    entry_time: entry,
    exit_time: closedOrCancelled ? entry + g.durationSec * 1000 : null,
    profit_loss: closedOrCancelled ? g.profit_loss : null,
    fees: closedOrCancelled ? g.fees : null,
  };
}

interface Event {
  time: number;
  kind: 0 | 1; // 0 = opened, 1 = closed/cancelled (after an open at the same ms)
  index: number;
}

describe('SummaryAccumulator ≡ computePerformance (property)', () => {
  it('after every event of any sequence, and via fromTrades', () => {
    fc.assert(
      fc.property(fc.array(tradeArb, { maxLength: 25 }), (gens) => {
        const finals = gens.map((g, i) => finalTrade(g, i + 1));
        const events: Event[] = [];
        finals.forEach((t, index) => {
          events.push({ time: t.entry_time, kind: 0, index });
          if (t.exit_time !== null) events.push({ time: t.exit_time, kind: 1, index });
        });
        // The book's order: by time; an open before its own close; ties by id (= index + 1).
        events.sort((a, b) => a.time - b.time || a.kind - b.kind || a.index - b.index);

        const acc = new SummaryAccumulator();
        const state = new Map<number, MetricTrade>(); // the trades as they stand after each event
        for (const e of events) {
          const t = finals[e.index]!;
          if (e.kind === 0) {
            acc.opened();
            const openStatus = t.status === 'PENDING' ? 'PENDING' : 'OPEN';
            state.set(e.index, { ...t, status: openStatus, exit_time: null, profit_loss: null, fees: null });
          } else {
            if (t.status === 'CANCELLED') acc.cancelled();
            else acc.closed(t.profit_loss, t.fees, t.exit_time!);
            state.set(e.index, t);
          }
          const u = gens[e.index]!.unrealized;
          expect(acc.summary(u)).toEqual(summaryOf([...state.values()], u));
        }
        const u = gens[0]?.unrealized ?? 0;
        expect(SummaryAccumulator.fromTrades(finals).summary(u)).toEqual(summaryOf(finals, u));
      }),
      { numRuns: 500 },
    );
  });

  it('computePerformance does not depend on the input order', () => {
    fc.assert(
      fc.property(
        fc.array(tradeArb, { maxLength: 25 }).chain((gens) =>
          fc.tuple(
            fc.constant(gens),
            fc.shuffledSubarray(
              gens.map((_, i) => i),
              { minLength: gens.length },
            ),
          ),
        ),
        ([gens, order]) => {
          const finals = gens.map((g, i) => finalTrade(g, i + 1));
          const shuffled = order.map((i) => finals[i]!);
          expect(computePerformance(shuffled, { unrealizedProfitLoss: 0 })).toEqual(computePerformance(finals, { unrealizedProfitLoss: 0 }));
        },
      ),
      { numRuns: 500 },
    );
  });
});
