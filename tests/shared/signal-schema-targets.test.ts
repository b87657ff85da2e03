// SPEC §9 rules of the signal schema: several targets, tp_allocation, sl_mode, trailing_stop, each
// refusal naming its field; then properties over random multi-target signals and their mutations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../shared/constants.ts';
import { signalSchema, type SignalPayload } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';

const long = { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: [110, 120, 130], sl: 90, external_id: 'm-1' };
const short = { ...long, direction: 'SHORT', tp: [90, 80, 70], sl: 110 };

function parsed(input: unknown): SignalPayload {
  const r = parseWith(signalSchema, input);
  if (!r.ok) throw new Error(`expected acceptance, got ${r.error.message}`);
  return r.value;
}

/** The field a refusal names (the message must name it too). */
function refusedField(input: unknown): string | undefined {
  const r = parseWith(signalSchema, input);
  if (r.ok) return 'ACCEPTED';
  expect(r.error.code).toBe('VALIDATION_ERROR');
  if (r.error.field !== undefined) expect(r.error.message.startsWith(`${r.error.field}: `)).toBe(true);
  return r.error.field;
}

describe('tp: one level or 1–10 targets', () => {
  it('a LONG with ascending targets above entry: tp is the last, shares equal', () => {
    const v = parsed(long);
    expect(v).toMatchObject({ tp: 130, targets: [110, 120, 130], sl_mode: 'fixed' });
    expect(v.shares).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('a SHORT with descending targets below entry', () => {
    expect(parsed(short)).toMatchObject({ tp: 70, targets: [90, 80, 70] });
  });

  it('accepts one target in an array, ten targets, and numeric strings (rounded as prices)', () => {
    expect(parsed({ ...long, tp: [110] })).toMatchObject({ tp: 110, targets: [110], shares: [1] });
    const ten = Array.from({ length: 10 }, (_, i) => 101 + i);
    expect(parsed({ ...long, tp: ten })).toMatchObject({ tp: 110, targets: ten });
    expect(parsed({ ...long, tp: ['110.5', '120.123456789'] })).toMatchObject({ targets: [110.5, 120.12345679] });
  });

  it.each([
    ['LONG, descending', { ...long, tp: [130, 120, 110] }],
    ['LONG, two equal targets', { ...long, tp: [110, 110, 130] }],
    ['LONG, equal once rounded to 8 decimals', { ...long, tp: [110, 110.000000001] }],
    ['LONG, first target at entry', { ...long, tp: [100, 120] }],
    ['LONG, first target below entry', { ...long, tp: [95, 120] }],
    ['LONG, a later target below entry', { ...long, tp: [110, 120, 99] }],
    ['SHORT, ascending', { ...short, tp: [70, 80, 90] }],
    ['SHORT, first target at entry', { ...short, tp: [100, 80] }],
    ['SHORT, first target above entry', { ...short, tp: [105, 80] }],
    ['SHORT, a later target above entry', { ...short, tp: [90, 101] }],
    ['11 targets', { ...long, tp: Array.from({ length: 11 }, (_, i) => 101 + i) }],
    ['no targets', { ...long, tp: [] }],
    ['null', { ...long, tp: null }],
    ['an object', { ...long, tp: { 0: 110 } }],
  ])('refuses %s naming tp', (_name, input) => {
    expect(refusedField(input)).toBe('tp');
  });

  it('says why: the count, the order, the side of entry', () => {
    const msg = (input: unknown) => {
      const r = parseWith(signalSchema, input);
      return r.ok ? '' : r.error.message;
    };
    expect(msg({ ...long, tp: Array.from({ length: 11 }, (_, i) => 101 + i) })).toBe('tp: 1 to 10 targets');
    expect(msg({ ...long, tp: [110, 105] })).toBe('tp: target 2 must be above target 1 (ascending)');
    expect(msg({ ...short, tp: [90, 95] })).toBe('tp: target 2 must be below target 1 (descending)');
    expect(msg({ ...long, tp: [99, 120] })).toBe('tp: LONG needs tp > entry');
    expect(msg({ ...long, tp: [110, {}] })).toBe('tp: every target must be a price (a number or a decimal string)');
  });

  it('an invalid level inside the list names its index under tp', () => {
    expect(refusedField({ ...long, tp: [110, -1] })).toBe('tp.1');
    expect(refusedField({ ...long, tp: [110, 'x'] })).toBe('tp.1');
  });
});

describe('tp_allocation', () => {
  it('gives the shares, in order', () => {
    expect(parsed({ ...long, tp_allocation: [0.5, 0.3, 0.2] }).shares).toEqual([0.5, 0.3, 0.2]);
    expect(parsed({ ...short, tp_allocation: [0.2, 0.2, 0.6] }).shares).toEqual([0.2, 0.2, 0.6]);
  });

  it('accepts a sum within 1e-9 of 1, refuses one further off', () => {
    expect(parsed({ ...long, tp: [110, 120], tp_allocation: [0.5, 0.5 + 5e-10] }).shares).toEqual([0.5, 0.5 + 5e-10]);
    expect(parsed({ ...long, tp: [110, 120], tp_allocation: [0.5, 0.5 - 5e-10] }).shares).toEqual([0.5, 0.5 - 5e-10]);
    expect(refusedField({ ...long, tp: [110, 120], tp_allocation: [0.5, 0.5 + 2e-9] })).toBe('tp_allocation');
    expect(refusedField({ ...long, tp: [110, 120], tp_allocation: [0.5, 0.5 - 2e-9] })).toBe('tp_allocation');
  });

  it.each([
    ['too few shares', [0.5, 0.5]],
    ['too many shares', [0.25, 0.25, 0.25, 0.25]],
    ['a zero share', [0.5, 0.5, 0]],
    ['a negative share', [0.7, 0.5, -0.2]],
    ['a sum of 0.9', [0.3, 0.3, 0.3]],
    ['a sum of 1.1', [0.4, 0.4, 0.3]],
    ['an empty list', []],
    ['more than 10 shares', Array.from({ length: 11 }, () => 1 / 11)],
    ['not a list', 1],
  ])('refuses %s naming tp_allocation', (_name, allocation) => {
    expect(refusedField({ ...long, tp_allocation: allocation })).toBe('tp_allocation');
  });

  it('says how many shares it needs and what they summed to', () => {
    const r = parseWith(signalSchema, { ...long, tp_allocation: [0.5, 0.5] });
    expect(!r.ok && r.error.message).toBe('tp_allocation: needs 3 shares, one per target (got 2)');
    const s = parseWith(signalSchema, { ...long, tp_allocation: [0.3, 0.3, 0.3] });
    expect(!s.ok && s.error.message).toMatch(/^tp_allocation: shares must sum to 1 \(got 0\.8999/);
  });

  it('a share that is not a number names its index under tp_allocation', () => {
    expect(refusedField({ ...long, tp_allocation: [0.5, '0.3', 0.2] })).toBe('tp_allocation.1');
  });

  it('with a number tp: one share of 1 is accepted, anything else refused', () => {
    expect(parsed({ ...long, tp: 110, tp_allocation: [1] })).toMatchObject({ tp: 110, targets: [110], shares: [1] });
    expect(refusedField({ ...long, tp: 110, tp_allocation: [0.5, 0.5] })).toBe('tp_allocation');
    expect(refusedField({ ...long, tp: 110, tp_allocation: [0.9] })).toBe('tp_allocation');
  });

  it('is not part of the output: shares carries it', () => {
    expect(parsed({ ...long, tp_allocation: [0.5, 0.3, 0.2] })).not.toHaveProperty('tp_allocation');
  });
});

describe('sl_mode', () => {
  it.each(['fixed', 'breakeven', 'moving_target'] as const)('accepts %s', (mode) => {
    expect(parsed({ ...long, sl_mode: mode }).sl_mode).toBe(mode);
  });

  it('defaults to fixed', () => {
    expect(parsed(long).sl_mode).toBe('fixed');
  });

  it.each(['trailing', 'FIXED', '', null, 1])('refuses %j naming sl_mode', (mode) => {
    expect(refusedField({ ...long, sl_mode: mode })).toBe('sl_mode');
  });
});

describe('trailing_stop', () => {
  it('accepts callback_rate at both bounds, with or without activation_price', () => {
    expect(parsed({ ...long, trailing_stop: { callback_rate: 0.001 } }).trailing_stop).toEqual({ callback_rate: 0.001 });
    expect(parsed({ ...long, trailing_stop: { callback_rate: 0.2, activation_price: 115 } }).trailing_stop).toEqual({
      callback_rate: 0.2,
      activation_price: 115,
    });
    expect(parsed({ ...short, trailing_stop: { callback_rate: 0.05, activation_price: '95.5' } }).trailing_stop).toEqual({
      callback_rate: 0.05,
      activation_price: 95.5,
    });
  });

  it('is undefined when absent', () => {
    expect(parsed(long).trailing_stop).toBeUndefined();
  });

  it.each([
    ['below 0.001', { callback_rate: 0.0009 }],
    ['above 0.2', { callback_rate: 0.2001 }],
    ['zero', { callback_rate: 0 }],
    ['negative', { callback_rate: -0.01 }],
    ['a string', { callback_rate: '0.01' }],
    ['missing', { activation_price: 110 }],
  ])('refuses callback_rate %s naming trailing_stop.callback_rate', (_name, ts) => {
    expect(refusedField({ ...long, trailing_stop: ts })).toBe('trailing_stop.callback_rate');
  });

  it.each([0, -5, 'abc', null])('refuses activation_price %j naming trailing_stop.activation_price', (price) => {
    expect(refusedField({ ...long, trailing_stop: { callback_rate: 0.01, activation_price: price } })).toBe('trailing_stop.activation_price');
  });

  it('refuses unknown keys, null and a non-object naming trailing_stop', () => {
    expect(refusedField({ ...long, trailing_stop: { callback_rate: 0.01, callbackRate: 0.01 } })).toBe('trailing_stop');
    expect(refusedField({ ...long, trailing_stop: null })).toBe('trailing_stop');
    expect(refusedField({ ...long, trailing_stop: 0.01 })).toBe('trailing_stop');
  });
});

describe('single-target signals are unchanged', () => {
  // The output fields before SPEC §9 (shared/signal-schema.ts at 8e74698), with their defaults.
  const BEFORE = ['confidence', 'direction', 'entry', 'external_id', 'leverage', 'market_type', 'sl', 'symbol', 'timeframe', 'tp'];
  const definedKeys = (v: object) =>
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k]) => k)
      .sort();

  it.each([
    ['LONG', { symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90, external_id: 's-1' }],
    ['SHORT', { symbol: 'ETHUSDT', direction: 'SHORT', entry: '2000.5', tp: '1900', sl: 2100, external_id: 's-2' }],
  ])('%s: the same fields and values as before, plus targets [tp], shares [1], sl_mode fixed', (_d, input) => {
    const v = parsed(input);
    expect(definedKeys(v)).toEqual([...BEFORE, 'shares', 'sl_mode', 'targets'].sort());
    expect(v).toEqual({
      symbol: input.symbol,
      direction: input.direction,
      entry: Number(input.entry),
      tp: Number(input.tp),
      sl: input.sl,
      external_id: input.external_id,
      timeframe: '1h',
      confidence: 0.5,
      market_type: 'SPOT',
      leverage: 1,
      targets: [Number(input.tp)],
      shares: [1],
      sl_mode: 'fixed',
      trailing_stop: undefined,
    });
  });

  it('the single-target rules and their fields still hold', () => {
    expect(refusedField({ ...long, tp: 100 })).toBe('tp');
    expect(refusedField({ ...short, tp: 101 })).toBe('tp');
    expect(refusedField({ ...long, tp: 110, sl: 100 })).toBe('sl');
  });
});

// ---- properties --------------------------------------------------------------------------------
// Levels are integers of 1e-4: exact as prices (8 decimals), so the generated order is the parsed one.
const UNIT = 1e4;

interface Plan {
  direction: Direction;
  entryUnits: number;
  stepUnits: number[];
  weights: number[] | null;
  stopUnits: number;
}

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    direction: fc.constantFrom<Direction>('LONG', 'SHORT'),
    base: fc.integer({ min: 2, max: 1e9 }),
    stepUnits: fc.array(fc.integer({ min: 1, max: 1e7 }), { minLength: 1, maxLength: 10 }),
    weighted: fc.boolean(),
    weightSeed: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 10, maxLength: 10 }),
    stopFraction: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  })
  .map((r) => {
    const reach = r.stepUnits.reduce((a, s) => a + s, 0);
    // A SHORT's targets walk down from entry: entry stays above their sum so every level is positive.
    const entryUnits = r.direction === 'SHORT' ? r.base + reach : r.base;
    const gap = Math.max(1, Math.floor(entryUnits * r.stopFraction));
    return {
      direction: r.direction,
      entryUnits,
      stepUnits: r.stepUnits,
      weights: r.weighted ? r.weightSeed.slice(0, r.stepUnits.length) : null,
      stopUnits: r.direction === 'LONG' ? Math.max(1, entryUnits - gap) : entryUnits + gap,
    };
  });

function levelsOf(p: Plan): number[] {
  const sign = p.direction === 'LONG' ? 1 : -1;
  let at = p.entryUnits;
  return p.stepUnits.map((s) => (at += sign * s) / UNIT);
}

function sharesOf(p: Plan): number[] | undefined {
  if (p.weights === null) return undefined;
  const total = p.weights.reduce((a, w) => a + w, 0);
  return p.weights.map((w) => w / total);
}

function signalOf(p: Plan, tp: number[], allocation: number[] | undefined): Record<string, unknown> {
  return {
    symbol: 'BTCUSDT',
    direction: p.direction,
    entry: p.entryUnits / UNIT,
    sl: p.stopUnits / UNIT,
    tp,
    ...(allocation ? { tp_allocation: allocation } : {}),
  };
}

describe('random multi-target signals (fast-check)', () => {
  it('valid ones parse: targets as given and strictly monotone, tp the last, shares summing to 1', () => {
    fc.assert(
      fc.property(planArb, (p) => {
        const levels = levelsOf(p);
        const allocation = sharesOf(p);
        const r = parseWith(signalSchema, signalOf(p, levels, allocation));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const v = r.value;
        expect(v.targets).toEqual(levels);
        expect(v.tp).toBe(levels[levels.length - 1]);
        const path = [v.entry, ...v.targets];
        for (let i = 1; i < path.length; i++) {
          const [a, b] = [path[i - 1] as number, path[i] as number];
          expect(p.direction === 'LONG' ? b > a : b < a).toBe(true);
        }
        expect(v.shares).toHaveLength(levels.length);
        expect(v.shares.every((s) => s > 0)).toBe(true);
        expect(Math.abs(v.shares.reduce((a, s) => a + s, 0) - 1)).toBeLessThanOrEqual(1e-9);
        if (allocation) expect(v.shares).toEqual(allocation);
      }),
      { numRuns: 600 },
    );
  });

  type Mutation =
    { kind: 'swap'; i: number; j: number } | { kind: 'wrong-side'; i: number; fraction: number } | { kind: 'allocation-off'; i: number; sign: 1 | -1 };

  const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
    fc.record({ kind: fc.constant('wrong-side' as const), i: fc.nat(), fraction: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
    fc.record({ kind: fc.constant('allocation-off' as const), i: fc.nat(), sign: fc.constantFrom<1 | -1>(1, -1) }),
  );

  /** The mutated signal and the field its refusal must name, or null when the mutation does not apply. */
  function mutate(p: Plan, m: Mutation): { signal: Record<string, unknown>; field: string } | null {
    const levels = levelsOf(p);
    const n = levels.length;
    const allocation = sharesOf(p);
    const entry = p.entryUnits / UNIT;
    if (m.kind === 'swap') {
      if (n < 2) return null;
      const i = m.i % n;
      const j = (i + 1 + (m.j % (n - 1))) % n; // any other index
      [levels[i], levels[j]] = [levels[j] as number, levels[i] as number];
      return { signal: signalOf(p, levels, allocation), field: 'tp' };
    }
    if (m.kind === 'wrong-side') {
      // At entry or past it on the loss side (LONG: in [0.01·entry, entry]; SHORT: in [entry, 1.99·entry]).
      levels[m.i % n] = Math.round(p.direction === 'LONG' ? Math.max(1, p.entryUnits * (1 - m.fraction)) : p.entryUnits * (1 + m.fraction)) / UNIT;
      expect(p.direction === 'LONG' ? (levels[m.i % n] as number) <= entry : (levels[m.i % n] as number) >= entry).toBe(true);
      return { signal: signalOf(p, levels, allocation), field: 'tp' };
    }
    const shares = allocation ?? levels.map(() => 1 / n);
    const i = m.i % n;
    const off = shares.map((s, k) => (k === i ? s + m.sign * 1e-6 : s));
    if (!off.every((s) => s > 0)) return null;
    return { signal: signalOf(p, levels, off), field: 'tp_allocation' };
  }

  it('mutated ones (two targets swapped, a target on the wrong side of entry, an allocation off by 1e-6) are refused naming tp or tp_allocation', () => {
    let applied = 0;
    fc.assert(
      fc.property(planArb, mutationArb, (p, m) => {
        const mutated = mutate(p, m);
        fc.pre(mutated !== null);
        if (mutated === null) return;
        applied++;
        expect(refusedField(mutated.signal)).toBe(mutated.field);
      }),
      { numRuns: 600 },
    );
    expect(applied).toBeGreaterThanOrEqual(500);
  });
});
