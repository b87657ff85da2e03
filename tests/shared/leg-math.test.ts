// Leg money (SPEC §9): rule cases, then a property against an exact BigInt decimal reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../shared/constants.ts';
import { equalShares, legMoney, splitQuantity, sumMoney, tradeTotals, validateAllocation } from '../../shared/leg-math.ts';

describe('allocation (SPEC §9)', () => {
  it('defaults to equal shares', () => {
    const r = validateAllocation(4);
    expect(r).toEqual({ ok: true, shares: [0.25, 0.25, 0.25, 0.25] });
  });

  it('accepts shares summing to 1 within 1e-9', () => {
    expect(validateAllocation(3, [0.5, 0.3, 0.2]).ok).toBe(true);
    expect(validateAllocation(3, [1 / 3, 1 / 3, 1 / 3]).ok).toBe(true);
    expect(validateAllocation(2, [0.5, 0.5 + 5e-10]).ok).toBe(true);
  });

  it('refuses a wrong length, a share ≤ 0, a bad sum, naming tp_allocation', () => {
    for (const bad of [
      [0.5, 0.5],
      [1.2, -0.2, 0],
      [0.5, 0.3, 0.3],
      [0.5, 0.5 - 2e-9, 0],
      [Number.NaN, 0.5, 0.5],
    ]) {
      const r = validateAllocation(3, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'tp_allocation' });
    }
    expect(validateAllocation(2, [0.6, 0.4 + 2e-9]).ok).toBe(false);
  });

  it('refuses 0 or more than 10 targets, naming tp', () => {
    for (const n of [0, 11]) {
      const r = validateAllocation(n);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.field).toBe('tp');
    }
  });
});

describe('leg quantities (SPEC §9)', () => {
  it('quantity × share rounded to 8 decimals; the last leg takes the remainder', () => {
    // 1 / 3 = 0.33333333 twice, last = 1 − 0.66666666 = 0.33333334
    expect(splitQuantity(1, equalShares(3))).toEqual([0.33333333, 0.33333333, 0.33333334]);
    expect(splitQuantity(0.002, [0.5, 0.3, 0.2])).toEqual([0.001, 0.0006, 0.0004]);
  });

  it('legs sum to the quantity exactly in decimal terms', () => {
    // 0.1 + 0.2 ≠ 0.3 in binary: the split must not leave 0.30000000000000004 behind.
    const legs = splitQuantity(0.3, [1 / 3, 2 / 3]);
    expect(legs).toEqual([0.1, 0.2]);
    expect(sumMoney(legs)).toBe(0.3);
  });

  it('one target: one leg, the whole quantity', () => {
    expect(splitQuantity(14.28571429, [1])).toEqual([14.28571429]);
  });

  it('a quantity beyond what a double holds to 8 decimals still splits, summing within ulps', () => {
    const q = 125_000_000.12345678; // 100 USDT × 125 at 1e-6
    const legs = splitQuantity(q, equalShares(7));
    expect(legs).toHaveLength(7);
    for (const l of legs) expect(l).toBeGreaterThan(0);
    expect(Math.abs(legs.reduce((a, b) => a + b, 0) - q)).toBeLessThan(q * 1e-14); // a few ulps of q (ulp ≈ 1.5e-8 here)
  });

  it('refuses a negative or non-finite quantity (a caller bug)', () => {
    expect(() => splitQuantity(-1, [1])).toThrow(RangeError);
    expect(() => splitQuantity(Number.NaN, [1])).toThrow(RangeError);
  });

  it('too few units for the targets: no negative leg', () => {
    expect(splitQuantity(0.00000001, [0.5, 0.5])).toEqual([0.00000001, 0]);
    expect(splitQuantity(0.00000001, equalShares(3))).toEqual([0, 0, 0.00000001]);
  });
});

describe('leg and trade money (SPEC §9)', () => {
  it('a LONG leg: fees on both notionals, P/L net of fees', () => {
    // q 0.001: fees = 0.001 × (50000 + 51000) × 0.001 = 0.101; P/L = 0.001 × 1000 − 0.101 = 0.899
    expect(legMoney({ direction: 'LONG', entryPrice: 50_000 }, 0.001, 51_000, 0.001)).toEqual({ fees: 0.101, profitLoss: 0.899 });
  });

  it('a SHORT leg stopped out loses', () => {
    // q 0.5: fees = 0.5 × (100 + 104) × 0.001 = 0.102; P/L = −0.5 × 4 − 0.102 = −2.102
    expect(legMoney({ direction: 'SHORT', entryPrice: 100 }, 0.5, 104, 0.001)).toEqual({ fees: 0.102, profitLoss: -2.102 });
  });

  it('TP1 then stop: totals are the sums of the legs, percentage on position_size', () => {
    // position 100 at entry 100, q = 1: TP1 0.5 at 110 → 4.895; SL 0.5 at 95 → −2.5975
    const t = { direction: 'LONG' as const, entryPrice: 100 };
    const [a, b] = splitQuantity(1, [0.5, 0.5]);
    const legs = [legMoney(t, a ?? 0, 110, 0.001), legMoney(t, b ?? 0, 95, 0.001)];
    expect(legs).toEqual([
      { fees: 0.105, profitLoss: 4.895 },
      { fees: 0.0975, profitLoss: -2.5975 },
    ]);
    expect(tradeTotals(legs, 100)).toEqual({ fees: 0.2025, profitLoss: 2.2975, profitLossPercentage: 2.2975 });
  });
});

// ---- The decimal reference: written from SPEC §9's formulas in scaled integers, not from the code.
// Quantities in 1e-8 units, prices in 1e-2 units, fee rates in 1e-4 units, shares in basis points.

/** a / b rounded half away from zero, exactly. */
function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n !== b < 0n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const q = (2n * x + y) / (2n * y);
  return neg ? -q : q;
}

/**
 * True when the exact value num/den lies within a few ulps of a rounding tie (…5 at the next
 * digit). Ulps of the operands, not of the result: P/L subtracts fees from the gross, so its
 * float error scales with the notional q × (entry + price) even when the result is small.
 */
function nearTie(num: bigint, den: bigint, scale: bigint): boolean {
  const x = num < 0n ? -num : num;
  const rem = x % den;
  const dist = Number(2n * rem - den) / 2; // distance to the tie, in units of 1/den
  return Math.abs(dist) <= (Number(scale < 0n ? -scale : scale) || 1) * 4e-15;
}

/** units: the rounded result in 1e-8; num: the exact value in 1e-14; scale: its operands' size in 1e-14. */
interface Exact {
  units: bigint;
  num: bigint;
  scale: bigint;
}
interface Ref {
  legUnits: bigint[]; // 1e-8
  fees: Exact[];
  pl: Exact[];
}

function reference(dir: Direction, qU: bigint, bps: bigint[], entryC: bigint, exitC: bigint[], feeR: bigint): Ref {
  const legUnits: bigint[] = [];
  let used = 0n;
  bps.forEach((bp, i) => {
    const u = i === bps.length - 1 ? qU - used : divRound(qU * bp, 10_000n);
    legUnits.push(u);
    used += u;
  });
  const sign = dir === 'LONG' ? 1n : -1n;
  const fees = legUnits.map((u, i) => {
    const num = u * (entryC + (exitC[i] ?? 0n)) * feeR; // 1e-8 × 1e-2 × 1e-4 = 1e-14
    return { units: divRound(num, 1_000_000n), num, scale: num };
  });
  const pl = legUnits.map((u, i) => {
    const num = sign * u * ((exitC[i] ?? 0n) - entryC) * 10_000n - (fees[i]?.num ?? 0n);
    return { units: divRound(num, 1_000_000n), num, scale: u * (entryC + (exitC[i] ?? 0n)) * 10_000n };
  });
  return { legUnits, fees, pl };
}

const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 10 }),
    qU: fc.bigInt({ min: 1n, max: 10_000_000_000n }), // up to 100 units of the asset
    entryC: fc.bigInt({ min: 1n, max: 10_000_000n }), // up to 100,000.00
    feeR: fc.constantFrom(0n, 1n, 4n, 10n, 7n),
    positionSize: fc.integer({ min: 1, max: 10_000 }),
    seed: fc.array(fc.integer({ min: 1, max: 9_999 }), { minLength: 9, maxLength: 9 }),
    moves: fc.array(fc.integer({ min: -50_000, max: 50_000 }), { minLength: 10, maxLength: 10 }), // ±50 % in 1e-5
  })
  .map((c) => {
    // Duplicate cut points collapse, so a case has 1..n targets; every count 1–10 is still drawn.
    const cuts = [...new Set(c.seed.slice(0, c.n - 1))].sort((a, b) => a - b);
    const bounds = [0, ...cuts, 10_000];
    const bps = bounds.slice(1).map((b, i) => BigInt(b - (bounds[i] ?? 0)));
    const exitC = bps.map((_, i) => {
      const p = (c.entryC * BigInt(100_000 + (c.moves[i] ?? 0))) / 100_000n;
      return p > 0n ? p : 1n;
    });
    return { ...c, bps, exitC };
  });

function checkMoney(code: number, ref: Exact, den: bigint): void {
  const want = Number(ref.units) / 1e8;
  if (code === want) return;
  // Binary floats may round the other way only within a few ulps of a tie (trade-math's 4ε nudge included).
  expect(nearTie(ref.num, den, ref.scale)).toBe(true);
  expect(Math.round(Math.abs(code - want) * 1e8)).toBe(1);
}

function property(dir: Direction) {
  return fc.property(caseArb, (c) => {
    const ref = reference(dir, c.qU, c.bps, c.entryC, c.exitC, c.feeR);
    fc.pre(ref.legUnits.every((u) => u >= 0n));
    const shares = c.bps.map((b) => Number(b) / 10_000);
    expect(validateAllocation(shares.length, shares).ok).toBe(true);
    const legs = splitQuantity(Number(c.qU) / 1e8, shares);
    expect(legs).toEqual(ref.legUnits.map((u) => Number(u) / 1e8));

    const terms = { direction: dir, entryPrice: Number(c.entryC) / 100 };
    const feeRate = Number(c.feeR) / 10_000;
    const money = legs.map((q, i) => legMoney(terms, q, Number(c.exitC[i]) / 100, feeRate));
    money.forEach((m, i) => {
      checkMoney(m.fees, ref.fees[i] ?? { units: 0n, num: 0n, scale: 0n }, 1_000_000n);
      checkMoney(m.profitLoss, ref.pl[i] ?? { units: 0n, num: 0n, scale: 0n }, 1_000_000n);
    });

    // Totals from the reference legs: sums exact, percentage (4 decimals) = pl_units / (100 × size).
    const refLegs = ref.fees.map((f, i) => ({ fees: Number(f.units) / 1e8, profitLoss: Number(ref.pl[i]?.units ?? 0n) / 1e8 }));
    const totals = tradeTotals(refLegs, c.positionSize);
    const feeSum = ref.fees.reduce((a, f) => a + f.units, 0n);
    const plSum = ref.pl.reduce((a, p) => a + p.units, 0n);
    expect(totals.fees).toBe(Number(feeSum) / 1e8);
    expect(totals.profitLoss).toBe(Number(plSum) / 1e8);
    const pctDen = 100n * BigInt(c.positionSize);
    const pct = divRound(plSum, pctDen);
    if (totals.profitLossPercentage !== Number(pct) / 1e4) {
      expect(nearTie(plSum, pctDen, plSum)).toBe(true);
    }
  });
}

describe('leg money against an exact decimal reference (fast-check)', () => {
  it('LONG, 1–10 targets, random allocations', () => {
    fc.assert(property('LONG'), { numRuns: 1_000 });
  });
  it('SHORT, 1–10 targets, random allocations', () => {
    fc.assert(property('SHORT'), { numRuns: 1_000 });
  });
});
