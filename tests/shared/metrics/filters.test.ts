// filterTrades and the performance query schema (URL strings → typed filters).
import { describe, expect, it } from 'vitest';
import { filterTrades, performanceQuerySchema } from '../../../shared/metrics/filters.ts';
import { parseWith } from '../../../shared/validation.ts';
import { DAY, T0, trade } from './trade-factory.ts';

describe('filterTrades', () => {
  const now = T0 + 30 * DAY;
  const recent = trade({ entry_time: now - 2 * DAY, symbol: 'ETHUSDT', direction: 'SHORT', timeframe: '4h' });
  const edge = trade({ entry_time: now - 7 * DAY, market_type: 'FUTURES' });
  const old = trade({ entry_time: now - 7 * DAY - 1 });
  const all = [recent, edge, old];

  it('no filters keeps everything', () => {
    expect(filterTrades(all, {}, now)).toEqual(all);
  });

  it('days keeps entries within the last N days (boundary inclusive)', () => {
    expect(filterTrades(all, { days: 7 }, now)).toEqual([recent, edge]);
    expect(filterTrades(all, { days: 1 }, now)).toEqual([]);
  });

  it('field filters combine with AND', () => {
    expect(filterTrades(all, { direction: 'SHORT' }, now)).toEqual([recent]);
    expect(filterTrades(all, { symbol: 'BTCUSDT' }, now)).toEqual([edge, old]);
    expect(filterTrades(all, { market_type: 'FUTURES' }, now)).toEqual([edge]);
    expect(filterTrades(all, { timeframe: '4h' }, now)).toEqual([recent]);
    expect(filterTrades(all, { symbol: 'BTCUSDT', days: 7 }, now)).toEqual([edge]);
    expect(filterTrades(all, { symbol: 'BTCUSDT', direction: 'SHORT' }, now)).toEqual([]);
  });
});

describe('performanceQuerySchema', () => {
  it('turns query strings into typed filters, case-insensitive where harmless', () => {
    const q = performanceQuerySchema.parse({
      days: '30',
      direction: 'long',
      symbol: ' btcusdt ',
      market_type: 'futures',
      timeframe: '4h',
      page: '2', // not a performance filter: ignored
    });
    expect(q).toEqual({ days: 30, direction: 'LONG', symbol: 'BTCUSDT', market_type: 'FUTURES', timeframe: '4h' });
  });

  it('empty values and missing keys mean "no filter"', () => {
    expect(performanceQuerySchema.parse({})).toEqual({});
    expect(performanceQuerySchema.parse({ days: '', symbol: '', direction: ' ', timeframe: '' })).toEqual({});
  });

  it.each([
    [{ days: 'abc' }, 'days'],
    [{ days: '0' }, 'days'],
    [{ days: '-3' }, 'days'],
    [{ days: '1.5' }, 'days'],
    [{ days: '99999999' }, 'days'],
    [{ direction: 'UP' }, 'direction'],
    [{ symbol: 'BTC-USDT' }, 'symbol'],
    [{ market_type: 'MARGIN' }, 'market_type'],
    [{ timeframe: '2h' }, 'timeframe'],
    [{ timeframe: '1H' }, 'timeframe'],
  ])('%o is rejected with an issue naming %s', (input, field) => {
    const r = parseWith(performanceQuerySchema, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION_ERROR');
    expect(r.error.field).toBe(field);
    expect(r.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('the days message says what is wrong', () => {
    const r = parseWith(performanceQuerySchema, { days: 'abc' });
    expect(!r.ok && r.error.message).toBe('days: must be a whole number of days');
  });
});
