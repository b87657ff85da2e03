// The candles query's window (shared/candle-query.ts): whole candles, at most 1,000, defaults.
import { describe, expect, it } from 'vitest';
import { candleQuerySchema, candleWindow } from '../../shared/candle-query.ts';
import { parseWith } from '../../shared/validation.ts';

const MIN = 60_000;
const now = Date.UTC(2026, 11, 3, 10, 30, 15);
const q = (o: Record<string, string>) => {
  const r = parseWith(candleQuerySchema, { symbol: 'BTCUSDT', ...o });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('candleWindow', () => {
  it('defaults to the last 1,000 candles up to and including the open one', () => {
    const w = candleWindow(q({}), now);
    expect(w.to).toBe(Date.UTC(2026, 11, 3, 10, 31));
    expect((w.to - w.from) / MIN).toBe(1000);
  });

  it('widens from..to to whole candles of the interval', () => {
    expect(candleWindow(q({ interval: '1h', from: String(now - 90 * MIN), to: String(now) }), now)).toEqual({
      from: Date.UTC(2026, 11, 3, 9),
      to: Date.UTC(2026, 11, 3, 11),
    });
  });

  it('from alone reads forward, no further than the open candle', () => {
    expect(candleWindow(q({ from: String(now - 5 * MIN) }), now)).toEqual({ from: now - (now % MIN) - 5 * MIN, to: now - (now % MIN) + MIN });
    const far = candleWindow(q({ interval: '5m', from: '0' }), now);
    expect(far).toEqual({ from: 0, to: 1000 * 5 * MIN });
  });

  it('refuses more than 1,000 candles, naming from', () => {
    const r = parseWith(candleQuerySchema, { symbol: 'BTCUSDT', interval: '1d', from: '0', to: String(now) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toBe('from');
      expect(r.error.message).toMatch(/spans \d+ 1d candles; at most 1000 per answer/);
    }
    expect(parseWith(candleQuerySchema, { symbol: 'BTCUSDT', interval: '1d', from: String(now - 999 * 86_400_000), to: String(now) }).ok).toBe(true);
  });
});
