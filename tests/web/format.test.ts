// The page's number formatting: cached Intl formatters must print exactly what per-call
// `toLocaleString('en-US', …)` printed (same grouping, rounding and signs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amount, money, pct, price } from '../../web/src/lib/format.ts';

const MINUS = '\u2212';

function reference(v: number, decimals: number): string {
  return Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

describe('format', () => {
  it('money and amount match toLocaleString for any finite value and decimals', () => {
    const decimals = fc.constantFrom(2, 3, 4, 5, 8);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), decimals, (v, d) => {
        const s = reference(v, d);
        const zero = Number(s.replaceAll(',', '')) === 0;
        expect(money(v, d)).toBe(zero ? reference(0, d) : (v > 0 ? '+' : MINUS) + s);
        expect(amount(v, d)).toBe((v < 0 ? MINUS : '') + s);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the table strings', () => {
    expect(money(1234.5)).toBe('+1,234.50');
    expect(money(-0.004)).toBe('0.00');
    expect(money(-0.5)).toBe(`${MINUS}0.50`);
    expect(price(0.000012345, 0.00001)).toBe('0.00001235');
    expect(price(64123.456, 60000)).toBe('64,123.46');
    expect(pct(12.3456)).toBe('+12.35%');
    expect(money(null)).toBe('—');
  });
});
