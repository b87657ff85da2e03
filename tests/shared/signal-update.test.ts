// Signal updates (SPEC §9 "Updates"): the payload schema, then the rule on the unfilled part of a
// plan, LONG and SHORT, before and after partial fills, and every refusal with its field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../shared/constants.ts';
import { applySignalUpdate, signalUpdateSchema, type SignalPlan, type SignalUpdateTerms } from '../../shared/signal-update.ts';
import { parseWith } from '../../shared/validation.ts';

// ---- the payload --------------------------------------------------------------------------------

function fieldOf(input: unknown): string | undefined {
  const r = parseWith(signalUpdateSchema, input);
  if (r.ok) return 'ACCEPTED';
  expect(r.error.code).toBe('VALIDATION_ERROR');
  return r.error.field;
}

describe('signalUpdateSchema', () => {
  it.each([
    [{ sl: 95 }, { sl: 95 }],
    [{ sl: '95.5' }, { sl: 95.5 }],
    [{ tp: 120 }, { tp: 120 }],
    [{ tp: [120, '130'] }, { tp: [120, 130] }],
    [{ tp_allocation: [0.5, 0.5] }, { tp_allocation: [0.5, 0.5] }],
    [{ sl_mode: 'breakeven' }, { sl_mode: 'breakeven' }],
    [{ trailing_stop: { callback_rate: 0.01 } }, { trailing_stop: { callback_rate: 0.01 } }],
    [{ trailing_stop: { callback_rate: 0.2, activation_price: 120 } }, { trailing_stop: { callback_rate: 0.2, activation_price: 120 } }],
    [{ trailing_stop: null }, { trailing_stop: null }],
    [
      { signal_id: 7, external_id: ' ext-1 ', update_id: 'u 1', sl: 95 },
      { signal_id: 7, external_id: 'ext-1', update_id: 'u 1', sl: 95 },
    ],
  ])('accepts %j', (input, value) => {
    expect(parseWith(signalUpdateSchema, input)).toEqual({ ok: true, value });
  });

  it('refuses an update that changes nothing, without a field', () => {
    for (const input of [{}, { signal_id: 1 }, { external_id: 'a', update_id: 'u' }]) {
      const r = parseWith(signalUpdateSchema, input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject({ code: 'VALIDATION_ERROR' });
        expect(r.error.field).toBeUndefined();
        expect(r.error.message).toMatch(/at least one of sl, tp, tp_allocation, sl_mode, trailing_stop/);
      }
    }
  });

  it.each([
    [{ sl: 95, entry: 100 }, 'entry'],
    [{ sl: 95, direction: 'SHORT' }, 'direction'],
    [{ tp: 120, symbol: 'ETHUSDT' }, 'symbol'],
    [JSON.parse('{"sl":95,"__proto__":{"x":1}}'), '__proto__'],
    [{ sl: 95, signal_id: 0 }, 'signal_id'],
    [{ sl: 95, signal_id: 1.5 }, 'signal_id'],
    [{ sl: 95, signal_id: '1' }, 'signal_id'],
    [{ sl: 95, external_id: '' }, 'external_id'],
    [{ sl: 95, external_id: '   ' }, 'external_id'],
    [{ sl: 95, external_id: 'x'.repeat(129) }, 'external_id'],
    [{ sl: 95, external_id: 'a\u0000b' }, 'external_id'],
    [{ sl: 95, update_id: '' }, 'update_id'],
    [{ sl: 95, update_id: 'u'.repeat(129) }, 'update_id'],
    [{ sl: 95, update_id: 'u\n1' }, 'update_id'],
    [{ sl: 95, update_id: 7 }, 'update_id'],
    [{ sl: 0 }, 'sl'],
    [{ sl: -1 }, 'sl'],
    [{ sl: 'x' }, 'sl'],
    [{ sl: null }, 'sl'],
    [{ tp: [] }, 'tp'],
    [{ tp: Array.from({ length: 11 }, (_, i) => 101 + i) }, 'tp'],
    [{ tp: null }, 'tp'],
    [{ tp: [120, -1] }, 'tp.1'],
    [{ tp_allocation: [] }, 'tp_allocation'],
    [{ tp_allocation: Array.from({ length: 11 }, () => 1 / 11) }, 'tp_allocation'],
    [{ tp_allocation: ['0.5', 0.5] }, 'tp_allocation.0'],
    [{ sl_mode: 'trailing' }, 'sl_mode'],
    [{ sl_mode: null }, 'sl_mode'],
    [{ trailing_stop: { callback_rate: 0.5 } }, 'trailing_stop.callback_rate'],
    [{ trailing_stop: { callback_rate: 0.0005 } }, 'trailing_stop.callback_rate'],
    [{ trailing_stop: { callback_rate: 0.01, activation_price: 0 } }, 'trailing_stop.activation_price'],
    [{ trailing_stop: { callback_rate: 0.01, step: 1 } }, 'trailing_stop'],
    [{ trailing_stop: 'off' }, 'trailing_stop'],
  ])('refuses %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('refuses a non-object', () => {
    for (const input of [null, 'sl=95', [{ sl: 95 }], 95]) expect(parseWith(signalUpdateSchema, input).ok).toBe(false);
  });
});

// ---- the rule -----------------------------------------------------------------------------------

/** LONG 100 → 110 / 120 / 130 (half, 30 %, 20 %), stop 90, nothing filled. */
function long(over: Partial<SignalPlan> = {}): SignalPlan {
  return {
    direction: 'LONG',
    entryPrice: 100,
    targets: [110, 120, 130],
    shares: [0.5, 0.3, 0.2],
    filled: 0,
    stopLoss: 90,
    slMode: 'fixed',
    trailing: null,
    ...over,
  };
}
/** SHORT 100 → 90 / 80 / 70, stop 110: the mirror of long(). */
function short(over: Partial<SignalPlan> = {}): SignalPlan {
  return {
    direction: 'SHORT',
    entryPrice: 100,
    targets: [90, 80, 70],
    shares: [0.5, 0.3, 0.2],
    filled: 0,
    stopLoss: 110,
    slMode: 'fixed',
    trailing: null,
    ...over,
  };
}

function next(current: SignalPlan, update: SignalUpdateTerms, lastPrice?: number): SignalPlan {
  const r = applySignalUpdate(current, update, lastPrice);
  if (!r.ok) throw new Error(`expected acceptance, got ${r.error.message}`);
  return r.next;
}

function refusal(current: SignalPlan, update: SignalUpdateTerms, lastPrice?: number): { field: string; message: string } {
  const r = applySignalUpdate(current, update, lastPrice);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.next)}`);
  expect(r.error.code).toBe('VALIDATION_ERROR');
  expect(r.error.message.startsWith(`${r.error.field}: `)).toBe(true);
  return { field: r.error.field, message: r.error.message };
}

const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0);

describe('tp: replaces the unfilled targets', () => {
  it('nothing filled: the new levels, split equally', () => {
    expect(next(long(), { tp: [115, 125] }, 105)).toMatchObject({ targets: [115, 125], shares: [0.5, 0.5], filled: 0 });
    expect(next(short(), { tp: [85, 75] }, 95)).toMatchObject({ targets: [85, 75], shares: [0.5, 0.5] });
  });

  it('a number tp is one target taking the whole unfilled part', () => {
    expect(next(long(), { tp: 150 }, 105)).toMatchObject({ targets: [150], shares: [1] });
    expect(next(long({ filled: 1 }), { tp: 150 }, 112)).toMatchObject({ targets: [110, 150], shares: [0.5, 0.5] });
  });

  it('after TP1 (LONG): TP1 stays, the new levels continue above it, the open half split equally', () => {
    const n = next(long({ filled: 1 }), { tp: [125, 140] }, 112);
    expect(n).toMatchObject({ targets: [110, 125, 140], shares: [0.5, 0.25, 0.25], filled: 1 });
  });

  it('after TP1 and TP2 (SHORT): both stay', () => {
    const n = next(short({ filled: 2 }), { tp: [75, 72, 60] }, 78);
    expect(n.targets).toEqual([90, 80, 75, 72, 60]);
    expect(n.shares.slice(0, 2)).toEqual([0.5, 0.3]);
    for (const s of n.shares.slice(2)) expect(s).toBeCloseTo(0.2 / 3, 15);
  });

  it('keeps what the update does not name: stop, mode, trailing stop', () => {
    const current = long({ filled: 1, stopLoss: 100, slMode: 'breakeven', trailing: { callbackRate: 0.02, activationPrice: null } });
    expect(next(current, { tp: [125] }, 112)).toEqual({ ...current, targets: [110, 125], shares: [0.5, 0.5] });
  });

  it.each<[string, SignalPlan, SignalUpdateTerms, number | undefined, RegExp]>([
    ['LONG, the first new level at the filled TP1', long({ filled: 1 }), { tp: [110, 130] }, 105, /above target 1 \(filled at 110\)/],
    ['LONG, the first new level below the filled TP1', long({ filled: 1 }), { tp: [108, 130] }, 105, /above target 1/],
    ['LONG, nothing filled, a level at entry', long(), { tp: [100, 130] }, undefined, /above entry \(100\)/],
    ['LONG, descending new levels', long(), { tp: [130, 120] }, 105, /target 2 must be above target 1 \(130\)/],
    ['LONG, equal new levels', long({ filled: 1 }), { tp: [125, 125] }, 112, /target 3 must be above target 2/],
    ['LONG, a new level the price has passed', long({ filled: 1 }), { tp: [112, 130] }, 115, /target 2 \(112\) is already at or below the last price \(115\)/],
    ['LONG, a new level at the last price', long(), { tp: [115, 130] }, 115, /at or below the last price/],
    ['LONG, no last price: a level at entry', long(), { tp: 100 }, undefined, /entry/],
    ['SHORT, the first new level at the filled TP1', short({ filled: 1 }), { tp: [90, 70] }, 95, /below target 1 \(filled at 90\)/],
    ['SHORT, ascending new levels', short(), { tp: [80, 85] }, 95, /target 2 must be below target 1/],
    ['SHORT, a level above entry', short(), { tp: [101] }, undefined, /below entry/],
    ['SHORT, a new level the price has passed', short({ filled: 1 }), { tp: [86, 70] }, 85, /target 2 \(86\) is already at or above the last price \(85\)/],
    ['SHORT, a new level at the last price', short(), { tp: [85] }, 85, /at or above the last price/],
  ])('refuses %s, naming tp', (_name, current, update, lastPrice, message) => {
    const r = refusal(current, update, lastPrice);
    expect(r.field).toBe('tp');
    expect(r.message).toMatch(message);
  });

  it('refuses more than 10 targets counting the filled ones', () => {
    const ten = long({ targets: [101, 102, 103, 104, 105, 106, 107, 108, 109, 110], shares: Array.from({ length: 10 }, () => 0.1), filled: 2 });
    const nine = [103, 104, 105, 106, 107, 108, 109, 110, 111];
    expect(refusal(ten, { tp: nine }, 102.5)).toMatchObject({ field: 'tp', message: expect.stringMatching(/2 target\(s\) filled and 9 new: at most 10/) });
    expect(next(ten, { tp: nine.slice(0, 8) }, 102.5).targets).toHaveLength(10);
  });

  it('refuses a change of targets once every target has filled', () => {
    expect(refusal(long({ filled: 3 }), { tp: [140] }, 131).field).toBe('tp');
    expect(refusal(long({ filled: 3 }), { tp_allocation: [1] }, 131).field).toBe('tp_allocation');
  });

  it('without a last price, checks against entry: a LONG level above entry is accepted', () => {
    expect(next(long(), { tp: [101, 102] }).targets).toEqual([101, 102]);
    expect(next(short(), { tp: [99] }).targets).toEqual([99]);
  });
});

describe('tp_allocation: shares of the new unfilled targets, translated to the whole position', () => {
  it('nothing filled: the given shares as they are', () => {
    expect(next(long(), { tp: [115, 125], tp_allocation: [0.7, 0.3] }, 105).shares).toEqual([0.7, 0.3]);
  });

  it('after TP1 (half filled): each given share × 0.5', () => {
    const n = next(long({ filled: 1 }), { tp: [125, 140], tp_allocation: [0.25, 0.75] }, 112);
    expect(n.targets).toEqual([110, 125, 140]);
    expect(n.shares).toEqual([0.5, 0.125, 0.375]);
  });

  it('SHORT after TP1 and TP2 (20 % open)', () => {
    const n = next(short({ filled: 2 }), { tp: [75, 65], tp_allocation: [0.5, 0.5] }, 78);
    expect(n.targets).toEqual([90, 80, 75, 65]);
    expect(n.shares[0]).toBe(0.5);
    expect(n.shares[1]).toBe(0.3);
    expect(n.shares[2]).toBeCloseTo(0.1, 15);
    expect(n.shares[3]).toBeCloseTo(0.1, 15);
  });

  it('without tp: re-splits the current unfilled targets', () => {
    const n = next(long({ filled: 1 }), { tp_allocation: [0.75, 0.25] }, 112);
    expect(n.targets).toEqual([110, 120, 130]);
    expect(n.shares).toEqual([0.5, 0.375, 0.125]);
  });

  it('the shares of the whole position still sum to 1', () => {
    const n = next(long({ shares: [0.2, 0.3, 0.5], filled: 1 }), { tp: [121, 122, 123], tp_allocation: [0.1, 0.6, 0.3] }, 111);
    expect(sum(n.shares)).toBeCloseTo(1, 12);
    expect(n.shares).toHaveLength(4);
    expect(n.shares[0]).toBe(0.2);
  });

  it.each<[string, SignalPlan, SignalUpdateTerms, RegExp]>([
    ['a length unlike the new targets', long(), { tp: [115, 125], tp_allocation: [0.5, 0.3, 0.2] }, /needs 2 shares/],
    ['a length unlike the unfilled targets (no tp)', long({ filled: 1 }), { tp_allocation: [0.5, 0.3, 0.2] }, /needs 2 shares/],
    ['a sum of 1 over the whole position instead of the open part', long({ filled: 1 }), { tp_allocation: [0.25, 0.25] }, /sum to 1/],
    ['a sum off by 1e-6', long(), { tp_allocation: [0.5, 0.3, 0.2 + 1e-6] }, /sum to 1/],
    ['a zero share', long(), { tp: [115, 125], tp_allocation: [1, 0] }, /share 2 must be a positive number/],
    ['a negative share', long(), { tp: [115, 125], tp_allocation: [1.2, -0.2] }, /positive/],
  ])('refuses %s, naming tp_allocation', (_name, current, update, message) => {
    const r = refusal(current, update, 105);
    expect(r.field).toBe('tp_allocation');
    expect(r.message).toMatch(message);
    expect(r.message).not.toMatch(/^tp_allocation: tp_allocation/);
  });

  it('accepts a sum within 1e-9', () => {
    expect(next(long(), { tp_allocation: [0.5, 0.3, 0.2 + 5e-10] }, 105).shares[2]).toBe(0.2 + 5e-10);
  });
});

describe('sl: on the loss side of the last price', () => {
  it.each<[string, SignalPlan, number, number | undefined]>([
    ['LONG, below the last price', long(), 95, 102],
    ['LONG, above entry to lock a profit, still below the price', long(), 104, 106],
    ['LONG, no last price: below entry', long(), 99.5, undefined],
    ['SHORT, above the last price', short(), 105, 98],
    ['SHORT, below entry, above the price', short(), 96, 94],
    ['SHORT, no last price: above entry', short(), 100.5, undefined],
  ])('accepts %s', (_name, current, sl, lastPrice) => {
    expect(next(current, { sl }, lastPrice)).toEqual({ ...current, stopLoss: sl });
  });

  it.each<[string, SignalPlan, number, number | undefined, RegExp]>([
    ['LONG, at the last price', long(), 102, 102, /the stop would be 102, at or above the last price \(102\): a stop must be below it/],
    ['LONG, above the last price', long(), 103, 102, /at or above the last price/],
    ['LONG, no last price: at entry', long(), 100, undefined, /at or above entry \(100\)/],
    ['SHORT, at the last price', short(), 98, 98, /at or below the last price \(98\): a stop must be above it/],
    ['SHORT, below the last price', short(), 97, 98, /at or below the last price/],
    ['SHORT, no last price: below entry', short(), 99, undefined, /at or below entry/],
  ])('refuses %s, naming sl', (_name, current, sl, lastPrice, message) => {
    const r = refusal(current, { sl }, lastPrice);
    expect(r.field).toBe('sl');
    expect(r.message).toMatch(message);
  });
});

describe('sl_mode: applies to the fills so far', () => {
  it('breakeven after TP1 moves the stop to entry now (LONG and SHORT)', () => {
    expect(next(long({ filled: 1 }), { sl_mode: 'breakeven' }, 112)).toMatchObject({ slMode: 'breakeven', stopLoss: 100 });
    expect(next(short({ filled: 1 }), { sl_mode: 'breakeven' }, 88)).toMatchObject({ slMode: 'breakeven', stopLoss: 100 });
  });

  it('moving_target after TP2 moves the stop to TP1', () => {
    expect(next(long({ filled: 2 }), { sl_mode: 'moving_target' }, 125)).toMatchObject({ stopLoss: 110 });
    expect(next(short({ filled: 2 }), { sl_mode: 'moving_target' }, 75)).toMatchObject({ stopLoss: 90 });
  });

  it('before any fill, a mode moves nothing', () => {
    expect(next(long(), { sl_mode: 'moving_target' }, 105)).toMatchObject({ slMode: 'moving_target', stopLoss: 90 });
  });

  it('back to fixed keeps the stop where it was moved (a stop never moves back)', () => {
    expect(next(long({ filled: 1, slMode: 'breakeven', stopLoss: 100 }), { sl_mode: 'fixed' }, 112)).toMatchObject({ slMode: 'fixed', stopLoss: 100 });
  });

  it('refuses a move to a stop at or beyond the last price, naming sl_mode', () => {
    // TP1 filled at 110, the price has fallen back to 99: breakeven (100) would fill at once.
    const r = refusal(long({ filled: 1 }), { sl_mode: 'breakeven' }, 99);
    expect(r.field).toBe('sl_mode');
    expect(r.message).toMatch(/breakeven would move the stop to 100, at or above the last price \(99\)/);
    expect(refusal(short({ filled: 1 }), { sl_mode: 'breakeven' }, 100).field).toBe('sl_mode');
  });

  it('an sl less protective than where the mode puts the stop is refused; with sl_mode fixed it is taken', () => {
    const current = long({ filled: 1, slMode: 'breakeven', stopLoss: 100 });
    const r = refusal(current, { sl: 95 }, 112);
    expect(r.field).toBe('sl');
    expect(r.message).toMatch(/breakeven puts the stop at 100 after TP1; a less protective sl \(95\) needs sl_mode "fixed"/);
    expect(refusal(current, { sl: 95, sl_mode: 'breakeven' }, 112).field).toBe('sl');
    expect(next(current, { sl: 95, sl_mode: 'fixed' }, 112)).toMatchObject({ stopLoss: 95, slMode: 'fixed' });
  });

  it('an sl more protective than the mode is taken as it is', () => {
    expect(next(long({ filled: 1, slMode: 'breakeven', stopLoss: 100 }), { sl: 105 }, 112).stopLoss).toBe(105);
    expect(next(short({ filled: 1 }), { sl: 95, sl_mode: 'breakeven' }, 88)).toMatchObject({ stopLoss: 95, slMode: 'breakeven' });
  });

  it('new targets and a mode together: the filled targets decide the move', () => {
    const n = next(long({ filled: 2 }), { tp: [128, 135], sl_mode: 'moving_target' }, 125);
    expect(n).toMatchObject({ targets: [110, 120, 128, 135], stopLoss: 110 });
  });
});

describe('trailing_stop', () => {
  it('sets one, with or without an activation price', () => {
    expect(next(long(), { trailing_stop: { callback_rate: 0.02 } }, 105).trailing).toEqual({ callbackRate: 0.02, activationPrice: null });
    expect(next(short(), { trailing_stop: { callback_rate: 0.05, activation_price: 92 } }, 98).trailing).toEqual({ callbackRate: 0.05, activationPrice: 92 });
  });

  it('replaces one, and null removes it', () => {
    const current = long({ trailing: { callbackRate: 0.01, activationPrice: 115 } });
    expect(next(current, { trailing_stop: { callback_rate: 0.03 } }, 105).trailing).toEqual({ callbackRate: 0.03, activationPrice: null });
    expect(next(current, { trailing_stop: null }, 105).trailing).toBeNull();
    expect(next(current, { sl: 95 }, 105).trailing).toEqual({ callbackRate: 0.01, activationPrice: 115 });
  });
});

describe('the whole update', () => {
  it('applies every field at once', () => {
    const n = next(
      long({ filled: 1 }),
      { sl: 104, tp: [118, 126], tp_allocation: [0.6, 0.4], sl_mode: 'breakeven', trailing_stop: { callback_rate: 0.01, activation_price: 118 } },
      112,
    );
    expect(n).toEqual({
      direction: 'LONG',
      entryPrice: 100,
      targets: [110, 118, 126],
      shares: [0.5, 0.3, 0.2],
      filled: 1,
      stopLoss: 104,
      slMode: 'breakeven',
      trailing: { callbackRate: 0.01, activationPrice: 118 },
    });
  });

  it('the first refusal wins and nothing is half-applied: the current plan is never modified', () => {
    const current = long({ filled: 1, trailing: { callbackRate: 0.01, activationPrice: null } });
    const before = structuredClone(current);
    expect(refusal(current, { tp: [125], sl: 200 }, 112).field).toBe('sl');
    next(current, { tp: [125, 140], tp_allocation: [0.5, 0.5], trailing_stop: { callback_rate: 0.1 } }, 112);
    expect(current).toEqual(before);
  });

  it('refuses a last price that is not a positive number (a caller bug, not a validation error)', () => {
    expect(() => applySignalUpdate(long(), { sl: 95 }, Number.NaN)).toThrow(RangeError);
    expect(() => applySignalUpdate(long(), { sl: 95 }, 0)).toThrow(RangeError);
    expect(() => applySignalUpdate(long({ filled: 4 }), { sl: 95 }, 105)).toThrow(RangeError);
    expect(() => applySignalUpdate(long({ shares: [1] }), { sl: 95 }, 105)).toThrow(RangeError);
  });

  it('an update parsed by the schema goes straight in', () => {
    const parsed = parseWith(signalUpdateSchema, { signal_id: 3, update_id: 'u-1', tp: ['125', 140], tp_allocation: [0.25, 0.75] });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(next(long({ filled: 1 }), parsed.value, 112).shares).toEqual([0.5, 0.125, 0.375]);
  });
});

// ---- a property ---------------------------------------------------------------------------------

describe('any accepted update (fast-check)', () => {
  const planArb = fc
    .record({
      direction: fc.constantFrom<Direction>('LONG', 'SHORT'),
      steps: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
      weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 10, maxLength: 10 }),
      filledSeed: fc.nat(),
    })
    .map(({ direction, steps, weights, filledSeed }): SignalPlan => {
      const sign = direction === 'LONG' ? 1 : -1;
      let at = 1000;
      const targets = steps.map((s) => (at += sign * s));
      const w = weights.slice(0, targets.length);
      const total = sum(w);
      return {
        direction,
        entryPrice: 1000,
        targets,
        shares: w.map((x) => x / total),
        filled: filledSeed % targets.length, // at least one target open
        stopLoss: 1000 - sign * 100,
        slMode: 'fixed',
        trailing: null,
      };
    });

  const updateArb = fc.record(
    {
      // The first new level from the last filled target (or entry), then steps away from it: ≤ 0 goes the wrong way.
      tp: fc.record({ first: fc.integer({ min: -10, max: 40 }), steps: fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 9 }) }),
      tp_allocation: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 10, maxLength: 10 }),
      sl: fc.integer({ min: 800, max: 1200 }),
      lastOffset: fc.integer({ min: -20, max: 20 }),
    },
    { requiredKeys: ['lastOffset'] },
  );

  it('keeps the filled prefix, keeps targets strictly monotone and beyond the last price, and shares summing to 1', () => {
    let accepted = 0;
    fc.assert(
      fc.property(planArb, updateArb, (p, raw) => {
        const long = p.direction === 'LONG';
        const lastFilled = p.filled > 0 ? (p.targets[p.filled - 1] as number) : p.entryPrice;
        const lastPrice = lastFilled + raw.lastOffset;
        const sign = long ? 1 : -1;
        let at = lastFilled + sign * (raw.tp?.first ?? 0);
        const levels = raw.tp && [at, ...raw.tp.steps.map((d) => (at += sign * d))];
        const update: SignalUpdateTerms = {
          ...(levels ? { tp: levels } : {}),
          ...(raw.tp_allocation && levels ? { tp_allocation: raw.tp_allocation.slice(0, levels.length).map((x, _i, all) => x / sum(all)) } : {}),
          ...(raw.sl !== undefined ? { sl: raw.sl } : {}),
        };
        fc.pre(Object.keys(update).length > 0);
        const r = applySignalUpdate(p, update, lastPrice);
        if (!r.ok) {
          expect(['tp', 'sl', 'tp_allocation']).toContain(r.error.field);
          return;
        }
        accepted++;
        const n = r.next;
        expect(n.targets.slice(0, p.filled)).toEqual(p.targets.slice(0, p.filled));
        expect(n.shares.slice(0, p.filled)).toEqual(p.shares.slice(0, p.filled));
        const path = [p.entryPrice, ...n.targets];
        for (let i = 1; i < path.length; i++)
          expect(long ? (path[i] as number) > (path[i - 1] as number) : (path[i] as number) < (path[i - 1] as number)).toBe(true);
        if (levels) expect(long ? (levels[0] as number) > lastPrice : (levels[0] as number) < lastPrice).toBe(true);
        expect(Math.abs(sum(n.shares) - 1)).toBeLessThan(1e-12);
        expect(n.shares.every((s) => s > 0)).toBe(true);
        if (update.sl !== undefined) expect(long ? n.stopLoss < lastPrice : n.stopLoss > lastPrice).toBe(true);
      }),
      { numRuns: 1_000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
