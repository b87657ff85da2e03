// The in-memory record behind performance/: settled trades kept in close order whatever order
// closes arrive in, open trades taken from the book at the first read only, each close once.
import { describe, expect, it } from 'vitest';
import { PublicTradeRecord } from '../../server/analytics/public-trade-record.ts';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { openTradeJson } from '../helpers/plan-fields.ts';

const iso = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
const closedJson = (id: number, exitHour: number, pl: number): TradeJson =>
  openTradeJson({ id, entry_time: iso(0), status: pl >= 0 ? 'CLOSED_TP' : 'CLOSED_SL', exit_time: iso(exitHour), exit_price: 100, profit_loss: pl, fees: 0.5 });
const settled = (id: number, exitHour: number, status: MetricTrade['status'] = 'CLOSED_TP'): MetricTrade => ({
  id,
  symbol: 'BTCUSDT',
  direction: 'LONG',
  timeframe: '1h',
  market_type: 'SPOT',
  status,
  entry_time: Date.UTC(2026, 0, 1),
  exit_time: status === 'CANCELLED' ? null : Date.UTC(2026, 0, 1, exitHour),
  profit_loss: status === 'CANCELLED' ? null : 1,
  fees: 0.1,
  initial_risk: 3,
});

describe('PublicTradeRecord', () => {
  it('keeps settled trades in (exit_time, id) order, hydrated in any order and closed out of order', () => {
    const r = new PublicTradeRecord(() => []);
    r.hydrate([settled(3, 5), settled(1, 2), settled(2, 5), settled(9, 1, 'CANCELLED')]);
    r.closed(closedJson(10, 9, 2));
    r.closed(closedJson(11, 4, -1)); // arrives after 10 but closed earlier
    const ids = r.trades({}, Date.now()).map((t) => t.id);
    expect(ids).toEqual([9, 1, 11, 2, 3, 10]);
  });

  it('takes open trades from the book at the first read, then from events; a close moves a trade once', () => {
    let asked = 0;
    const r = new PublicTradeRecord(() => {
      asked++;
      return [openTradeJson({ id: 5 })];
    });
    r.opened(openTradeJson({ id: 6 })); // before the first read: the book already has it (or not), not applied twice
    const first = r.trades({}, Date.now());
    expect(asked).toBe(1);
    expect(first.map((t) => [t.id, t.status])).toEqual([[5, 'OPEN']]);
    r.opened(openTradeJson({ id: 7 }));
    const v = r.version();
    r.closed(closedJson(5, 3, 4));
    r.closed(closedJson(5, 3, 4)); // announced twice: kept once
    expect(r.version()).toBe(v + 1);
    const after = r.trades({}, Date.now());
    expect(after.map((t) => [t.id, t.status])).toEqual([
      [5, 'CLOSED_TP'],
      [7, 'OPEN'],
    ]);
    expect(asked).toBe(1);
    expect(after[0]!.initial_risk).toBeCloseTo(Math.abs(100 - 90) * 3 + 0.5, 10);
  });

  it('filters with the shared filter function', () => {
    const r = new PublicTradeRecord(() => []);
    r.hydrate([settled(1, 2), { ...settled(2, 3), direction: 'SHORT' }]);
    expect(r.trades({ direction: 'SHORT' }, Date.now()).map((t) => t.id)).toEqual([2]);
  });
});
