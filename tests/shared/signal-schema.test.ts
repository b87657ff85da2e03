import { describe, expect, it } from 'vitest';
import { signalSchema } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';

const good = { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, external_id: 'a-1' };

function fieldOf(input: unknown): string | undefined {
  const r = parseWith(signalSchema, input);
  if (r.ok) return 'OK';
  expect(r.error.code).toBe('VALIDATION_ERROR');
  expect(r.error.message.length).toBeGreaterThan(3);
  return r.error.field;
}

describe('signal schema (SPEC §1)', () => {
  it('accepts a LONG and fills defaults', () => {
    const r = parseWith(signalSchema, good);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ timeframe: '1h', confidence: 0.5, market_type: 'SPOT', leverage: 1 });
    }
  });

  it('accepts a SHORT with tp < entry < sl, numeric strings and FUTURES leverage', () => {
    const r = parseWith(signalSchema, {
      ...good,
      direction: 'SHORT',
      entry: '100.5',
      tp: '90',
      sl: 110,
      market_type: 'FUTURES',
      leverage: 20,
    });
    expect(r.ok && r.value.entry).toBe(100.5);
  });

  it.each([
    [{ symbol: 'btcusdt' }, 'symbol'],
    [{ symbol: 'B' }, 'symbol'],
    [{ symbol: 'X'.repeat(21) }, 'symbol'],
    [{ direction: 'UP' }, 'direction'],
    [{ entry: -1 }, 'entry'],
    [{ entry: 0 }, 'entry'],
    [{ entry: 'NaN' }, 'entry'],
    [{ entry: Infinity }, 'entry'],
    [{ entry: 'Infinity' }, 'entry'],
    [{ tp: null }, 'tp'],
    [{ sl: 95, entry: 90 }, 'sl'],
    [{ sl: 100 }, 'sl'],
    [{ tp: 100 }, 'tp'],
    [{ tp: 95 }, 'tp'],
    [{ direction: 'SHORT' }, 'sl'],
    [{ confidence: 1.5 }, 'confidence'],
    [{ confidence: -0.1 }, 'confidence'],
    [{ timeframe: '2h' }, 'timeframe'],
    [{ market_type: 'MARGIN' }, 'market_type'],
    [{ leverage: 0 }, 'leverage'],
    [{ leverage: 126, market_type: 'FUTURES' }, 'leverage'],
    [{ leverage: 2.5, market_type: 'FUTURES' }, 'leverage'],
    [{ leverage: 5 }, 'leverage'],
    [{ expires_at: 'tomorrow' }, 'expires_at'],
    [{ external_id: '' }, 'external_id'],
  ])('rejects %j naming %s', (patch, field) => {
    expect(fieldOf({ ...good, ...patch })).toBe(field);
  });

  it('rejects a missing symbol and a non-object', () => {
    const { symbol: _s, ...rest } = good;
    expect(fieldOf(rest)).toBe('symbol');
    expect(parseWith(signalSchema, 'hello').ok).toBe(false);
    expect(parseWith(signalSchema, null).ok).toBe(false);
  });
});
