// Text signals (SPEC §9): the corpus in fixtures/text-signals.ts, its payloads (one target or several) through the signal schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalSchema } from '../../shared/signal-schema.ts';
import { MAX_TEXT_SIGNAL_LENGTH, parseTextSignal } from '../../shared/text-signal.ts';
import { TEXT_SIGNAL_CASES } from './fixtures/text-signals.ts';

const accepted = TEXT_SIGNAL_CASES.filter((c) => 'expected' in c);
const refused = TEXT_SIGNAL_CASES.filter((c) => 'refused' in c);

describe('text signal corpus', () => {
  it('is at least 30 messages, at least 8 of them refused', () => {
    expect(TEXT_SIGNAL_CASES.length).toBeGreaterThanOrEqual(30);
    expect(refused.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of TEXT_SIGNAL_CASES) {
    it(c.name, () => {
      const r = parseTextSignal(c.text);
      if ('expected' in c) {
        expect(r).toEqual({ ok: true, value: c.expected });
      } else {
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect({ field: r.error.field, line: r.error.line }).toEqual(c.refused);
        expect(r.error.code).toBe('VALIDATION_ERROR');
        expect(r.error.line_text).toBe((c.text.split(/\r\n|\r|\n/)[c.refused.line - 1] ?? '').trim());
        expect(r.error.message).toContain(`line ${c.refused.line}`);
      }
    });
  }
});

describe('parsed payloads and the signal schema', () => {
  it('every accepted single-target message passes the existing schema unchanged', () => {
    const single = accepted.filter((c) => 'expected' in c && typeof c.expected.tp === 'number');
    expect(single.length).toBeGreaterThanOrEqual(5);
    for (const c of single) {
      const r = parseTextSignal(c.text);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const s = signalSchema.safeParse(r.value);
      expect(s.success, c.name).toBe(true);
      if (s.success)
        expect({ entry: s.data.entry, tp: s.data.tp, sl: s.data.sl, symbol: s.data.symbol }).toEqual({
          entry: r.value.entry,
          tp: r.value.tp,
          sl: r.value.sl,
          symbol: r.value.symbol,
        });
    }
  });

  it('every accepted multi-target message passes the schema as it is: targets in order, tp the last, equal shares', () => {
    const multi = accepted.filter((c) => 'expected' in c && Array.isArray(c.expected.tp) && c.expected.tp.length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(10);
    for (const c of multi) {
      const r = parseTextSignal(c.text);
      expect(r.ok, c.name).toBe(true);
      if (!r.ok || !Array.isArray(r.value.tp)) continue;
      const s = signalSchema.safeParse(r.value);
      expect(s.success, c.name).toBe(true);
      if (!s.success) continue;
      const n = r.value.tp.length;
      expect(s.data.targets, c.name).toEqual(r.value.tp);
      expect(s.data.tp, c.name).toBe(r.value.tp[n - 1]);
      expect(s.data.shares, c.name).toEqual(r.value.tp.map(() => 1 / n));
    }
  });

  it('"Targets: 43000 44000 45000" is tp [43000, 44000, 45000]', () => {
    const r = parseTextSignal('BTC/USDT LONG\nEntry: 42000\nTargets: 43000 44000 45000\nStop: 41000');
    expect(r).toEqual({ ok: true, value: { symbol: 'BTCUSDT', direction: 'LONG', entry: 42000, tp: [43000, 44000, 45000], sl: 41000 } });
  });
});

describe('limits', () => {
  it('refuses an over-long message without reading it', () => {
    const r = parseTextSignal(`BTC/USDT LONG\n${'x'.repeat(MAX_TEXT_SIGNAL_LENGTH)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ field: 'text', line: 1 });
  });

  it('an empty message is refused, not thrown', () => {
    const r = parseTextSignal('');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe('symbol');
  });
});

describe('any input (fast-check)', () => {
  // Lines drawn from the corpus, shuffled and damaged: close enough to real messages to be parsed.
  const corpusLines = TEXT_SIGNAL_CASES.flatMap((c) => c.text.split(/\r\n|\r|\n/));
  const lineArb = fc.oneof(
    fc.constantFrom(...corpusLines),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('TP1: 0', 'SL:', 'Entry: 1,2,3', 'Leverage: 0x', '#/USDT'),
  );

  it('never throws, and what it accepts keeps the SPEC §9 rules', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), (lines) => {
        const r = parseTextSignal(lines.join('\n'));
        if (!r.ok) {
          expect(r.error.line).toBeGreaterThanOrEqual(1);
          expect(r.error.line_text).toBe((lines[r.error.line - 1] ?? '').trim());
          return;
        }
        const v = r.value;
        const tps = Array.isArray(v.tp) ? v.tp : [v.tp];
        expect(tps.length).toBeGreaterThanOrEqual(1);
        expect(tps.length).toBeLessThanOrEqual(10);
        const long = v.direction === 'LONG';
        [v.entry, ...tps].forEach((level, i, all) => {
          if (i > 0) expect(long ? level > (all[i - 1] ?? 0) : level < (all[i - 1] ?? 0)).toBe(true);
        });
        expect(long ? v.sl < v.entry : v.sl > v.entry).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
