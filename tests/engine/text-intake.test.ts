// Text intake (SPEC §9): a channel message becomes the JSON signal payload, several targets as a tp
// array; every refusal, the parser's or the signal schema's, names its line.
import { describe, expect, it } from 'vitest';
import { textToSignalPayload } from '../../server/engine/text-intake.ts';
import { ValidationError } from '../../server/errors.ts';
import { signalSchema } from '../../shared/signal-schema.ts';
import { TEXT_SIGNAL_CASES } from '../shared/fixtures/text-signals.ts';

function refusal(text: string, externalId?: string): Record<string, unknown> {
  try {
    textToSignalPayload(text, externalId);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return { ...(e as ValidationError).detail };
  }
  throw new Error('expected a refusal');
}

describe('textToSignalPayload', () => {
  it('passes several targets through as a tp array', () => {
    expect(textToSignalPayload('BTC/USDT LONG\nEntry: 42000\nTargets: 43000 44000 45000\nStop: 41000', 'ext-1')).toEqual({
      symbol: 'BTCUSDT',
      direction: 'LONG',
      entry: 42000,
      tp: [43000, 44000, 45000],
      sl: 41000,
      external_id: 'ext-1',
    });
  });

  it('keeps one target as a number, and leaves external_id out when not given', () => {
    expect(textToSignalPayload('ETH/USDT LONG\nEntry: 2250\nTarget: 2400\nStop: 2180')).toEqual({
      symbol: 'ETHUSDT',
      direction: 'LONG',
      entry: 2250,
      tp: 2400,
      sl: 2180,
    });
  });

  it('every accepted message of the corpus is its expected payload, which the signal schema takes', () => {
    for (const c of TEXT_SIGNAL_CASES) {
      if (!('expected' in c)) continue;
      const payload = textToSignalPayload(c.text);
      expect(payload, c.name).toEqual(c.expected);
      expect(signalSchema.safeParse(payload).success, c.name).toBe(true);
    }
  });

  it('every refused message of the corpus is refused on its line', () => {
    for (const c of TEXT_SIGNAL_CASES) {
      if (!('refused' in c)) continue;
      expect(refusal(c.text), c.name).toMatchObject({ code: 'VALIDATION_ERROR', field: c.refused.field, line: c.refused.line });
    }
  });

  it('a malformed targets line is refused naming tp and the line', () => {
    expect(refusal('BTC/USDT LONG\nEntry: 42000\nTargets: 43000 TBA\nStop: 41000')).toMatchObject({
      field: 'tp',
      line: 3,
      line_text: 'Targets: 43000 TBA',
    });
    expect(refusal('BTC/USDT LONG\nEntry: 42000\nTargets: 43000 42500\nStop: 41000')).toMatchObject({ field: 'tp', line: 3 });
  });

  it('a level the parser reads but the schema refuses is placed on the line that wrote it', () => {
    const tooHigh = refusal('BTC/USDT LONG\nEntry: 2000000000000\nTargets: 2000000000001 2000000000002\nStop: 1');
    expect(tooHigh).toMatchObject({ code: 'VALIDATION_ERROR', field: 'entry', line: 2, line_text: 'Entry: 2000000000000' });
    expect(tooHigh.message).toMatch(/^entry: line 2: must be below 1000000000000$/);
    const targetsTooHigh = refusal('BTC/USDT LONG\nEntry: 999999999990\n🎯 Targets: 999999999995 1000000000010\nStop: 1');
    expect(targetsTooHigh).toMatchObject({ field: 'tp', line: 3, line_text: '🎯 Targets: 999999999995 1000000000010' });
  });

  it('a bad external_id is the schema refusal as it is (it is not in the text)', () => {
    const r = refusal('ETH/USDT LONG\nEntry: 2250\nTarget: 2400\nStop: 2180', ' ');
    expect(r).toMatchObject({ code: 'VALIDATION_ERROR', field: 'external_id' });
    expect(r).not.toHaveProperty('line');
  });
});
